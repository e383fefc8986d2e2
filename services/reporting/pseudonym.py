"""Pseudonymous case keys for the regional feed: HMAC-SHA256 of the case id under a secret
that never leaves the country. The same case always gets the same key (so the region can
count events per child), but the key cannot be reversed, or linked to the national case id,
without the secret."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

MIN_SECRET_BYTES = 32


def case_key(case_id: UUID, secret: bytes) -> str:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the pseudonymisation secret must have at least {MIN_SECRET_BYTES} bytes")
    return hmac.new(secret, case_id.bytes, hashlib.sha256).hexdigest()
