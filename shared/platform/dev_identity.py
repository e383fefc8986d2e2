"""Development identity: a local signing key standing in for Keycloak (`opi dev`, `opi token`).

Services started with ``auth_jwks_file`` pointing at the JWKS written here accept tokens
minted by :func:`mint_token`, so the whole platform runs without a Keycloak server.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jwcrypto import jwk, jwt

SIGNING_KEY_FILE = "signing-key.json"
JWKS_FILE = "jwks.json"


def new_signing_key() -> jwk.JWK:
    """A fresh RSA-2048 key whose ``kid`` is its RFC 7638 thumbprint."""
    key = jwk.JWK.generate(kty="RSA", size=2048, use="sig", alg="RS256")
    return jwk.JWK(**key.export(as_dict=True), kid=key.thumbprint())


def sign_token(key: jwk.JWK, claims: dict[str, Any]) -> str:
    """Sign ``claims`` as-is (no defaults, no checks), so tests can forge bad tokens too."""
    header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
    if key.get("kid"):
        header["kid"] = key["kid"]
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def identity_dir(data_dir: Path, realm: str) -> Path:
    if not realm or realm in {".", ".."} or "/" in realm or "\\" in realm:
        raise ValueError(f"not a usable realm name: {realm!r}")
    return data_dir / "identity" / realm


def ensure_signing_key(data_dir: Path, realm: str) -> Path:
    """Create the realm's dev signing key once; (re)write its public JWKS. Returns the JWKS path."""
    directory = identity_dir(data_dir, realm)
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / SIGNING_KEY_FILE
    if key_path.exists():
        key = _load_key(key_path)
    else:
        key = new_signing_key()
        partial = directory / f".{SIGNING_KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key.export_private())
        try:
            # link() fails if the name exists: when two `opi` processes race, the first
            # complete key wins and the other adopts it.
            os.link(partial, key_path)
        except FileExistsError:
            key = _load_key(key_path)
        finally:
            partial.unlink()
    jwks_path = directory / JWKS_FILE
    public = json.dumps({"keys": [key.export_public(as_dict=True)]}, indent=2)
    # Services may be reading the file right now; replace it in one step.
    partial = directory / f".{JWKS_FILE}.{os.getpid()}.tmp"
    partial.write_text(public + "\n")
    partial.replace(jwks_path)
    return jwks_path


def mint_token(
    data_dir: Path,
    realm: str,
    *,
    issuer: str,
    subject: str,
    roles: Sequence[str],
    username: str | None = None,
    lifetime_seconds: int = 8 * 3600,
    audience: str | None = None,
    client_id: str = "opi-platform",
) -> str:
    """An RS256 access token shaped like Keycloak's, signed with the realm's dev key."""
    ensure_signing_key(data_dir, realm)
    key = _load_key(identity_dir(data_dir, realm) / SIGNING_KEY_FILE)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "iat": now,
        "exp": now + lifetime_seconds,
        "jti": str(uuid.uuid4()),
        "typ": "Bearer",
        "azp": client_id,
        "realm_access": {"roles": list(roles)},
    }
    if username is not None:
        claims["preferred_username"] = username
    if audience is not None:
        claims["aud"] = audience
    return sign_token(key, claims)


def _load_key(path: Path) -> jwk.JWK:
    key = jwk.JWK.from_json(path.read_text())
    if not key.has_private or key.get("kty") != "RSA":
        raise ValueError(f"{path} does not hold an RSA private key")
    return key
