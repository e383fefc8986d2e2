"""Pseudonymous case keys for the regional feed: HMAC-SHA256 of the case id under a secret
that never leaves the country. The same case always gets the same key (so the region can
count events per child), but the key cannot be reversed, or linked to the national case id,
without the secret."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import unicodedata
from uuid import UUID

from shared.contracts.child import ChildIdentity
from shared.platform.config import Settings

MIN_SECRET_BYTES = 32
SECRET_FILE = "reporting-pseudonym.key"


def case_key(case_id: UUID, secret: bytes) -> str:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the pseudonymisation secret must have at least {MIN_SECRET_BYTES} bytes")
    return hmac.new(secret, case_id.bytes, hashlib.sha256).hexdigest()


def _normalised(text: str) -> str:
    # "José  Pérez" and "jose perez" are the same child on two registration forms
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


def child_key(child: ChildIdentity, secret: bytes) -> str:
    """A keyed hash of who the child is (names, birth date, first nationality, sex), so that
    a child registered twice counts once among distinct children. Stays in the country."""
    parts = (
        _normalised(child.given_names),
        _normalised(child.family_names),
        child.date_of_birth.isoformat() if child.date_of_birth else "",
        child.nationalities[0],
        child.sex.value,
    )
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def load_secret(settings: Settings) -> bytes:
    """The configured secret, or (development) a random one kept in the data directory, so
    that case keys stay stable across restarts of the same instance."""
    if settings.reporting_pseudonym_secret is not None:
        secret = settings.reporting_pseudonym_secret.get_secret_value().encode()
    else:
        path = settings.data_dir / settings.instance / SECRET_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
        secret = path.read_text().strip().encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"OPI_REPORTING_PSEUDONYM_SECRET needs at least {MIN_SECRET_BYTES} bytes")
    return secret
