"""Bearer-token verification for the HTTP APIs: Keycloak realm keys, or a dev JWKS file."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwcrypto import jwk
from jwcrypto.common import JWException, base64url_decode, json_decode
from jwcrypto.jwt import JWTExpired, JWTInvalidClaimValue, JWTMissingClaim, JWTMissingKey
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakError

from shared.platform.config import Settings

log = logging.getLogger(__name__)

# Asymmetric only: an HMAC "signature" keyed with a public key must never pass.
_ALLOWED_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
# Never used for HTTP in development mode; decode_token needs an instance all the same.
_DEV_SERVER_URL = "http://keycloak.invalid/"


@dataclass(frozen=True)
class Principal:
    subject: str
    username: str | None
    roles: frozenset[str]
    issuer: str


class InvalidToken(Exception):
    """The bearer token cannot be trusted; the message is safe to show to the caller."""


class TokenVerifier:
    """Checks access tokens against the realm's published keys.

    With ``auth_jwks_file`` set (development) the keys in that file are trusted instead and
    Keycloak is never contacted, even if ``keycloak_url`` is set too.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        refetch_interval_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = settings.issuer
        self._audience = settings.auth_audience
        self._leeway = settings.auth_leeway_seconds
        self._refetch_interval = refetch_interval_seconds
        self._clock = clock
        self._lock = asyncio.Lock()
        self._last_fetch: float | None = None
        self._keys: jwk.JWKSet | None = None
        self._from_file = settings.auth_jwks_file is not None
        if not self._from_file and not settings.keycloak_url:
            raise ValueError("set keycloak_url, or auth_jwks_file for development")
        self._openid = KeycloakOpenID(
            server_url=_DEV_SERVER_URL if self._from_file else str(settings.keycloak_url),
            realm_name=settings.realm,
            client_id=settings.keycloak_client_id,
            timeout=5,  # a hung Keycloak must not hang every request queued behind it
        )
        if settings.auth_jwks_file is not None:
            # Read at construction so a wrong path fails the service at start-up.
            self._keys = _key_set(json_decode(settings.auth_jwks_file.read_text()))

    async def aclose(self) -> None:
        await self._openid.connection.aclose()

    async def verify(self, token: str) -> Principal:
        kid = _header_kid(token)
        keys = self._keys
        if keys is None or (kid is not None and not keys.get_keys(kid)):
            # First use, or Keycloak rotated its keys since we last looked (or the kid is bogus).
            keys = await self._refresh(keys)
        if keys is None:
            raise InvalidToken("the identity provider is unavailable")
        try:
            claims = self._decode(token, keys)
        except JWTMissingKey:
            # jwcrypto says "no key" both for an unknown kid and for a bad signature.
            if kid is not None and not keys.get_keys(kid):
                raise InvalidToken("token is signed by an unknown key") from None
            raise InvalidToken("token signature is invalid") from None
        return _principal(claims)

    def _decode(self, token: str, keys: jwk.JWKSet) -> dict[str, Any]:
        check: dict[str, Any] = {"iss": self._issuer, "exp": None, "sub": None, "typ": "Bearer"}
        if self._audience:
            check["aud"] = self._audience
        try:
            claims = self._openid.decode_token(
                token,
                key=keys,
                check_claims=check,
                leeway=self._leeway,
                algs=_ALLOWED_ALGS,
                expected_type="JWS",
                strict_serialization=True,
            )
        except JWTMissingKey:
            raise
        except JWTExpired:
            raise InvalidToken("token has expired") from None
        except JWTMissingClaim as exc:
            raise InvalidToken(f"token lacks a required claim ({exc})") from None
        except JWTInvalidClaimValue as exc:
            raise InvalidToken(_claim_message(str(exc))) from None
        except (JWException, ValueError, TypeError, KeyError, AttributeError):
            # jwcrypto reports malformed input through all of these.
            raise InvalidToken("token is malformed or its signature is invalid") from None
        if not isinstance(claims, dict):
            raise InvalidToken("token claims are not a JSON object")
        return claims

    async def _refresh(self, seen: jwk.JWKSet | None) -> jwk.JWKSet | None:
        """Fetch the realm keys unless another task just did, or we did so too recently."""
        async with self._lock:
            if self._keys is not seen:
                return self._keys
            now = self._clock()
            if self._from_file or (
                self._last_fetch is not None and now - self._last_fetch < self._refetch_interval
            ):
                return self._keys
            # Count failed fetches too, so an outage is not hammered by every request.
            self._last_fetch = now
            try:
                self._keys = _key_set(await self._openid.a_certs())
            except (KeycloakError, TypeError, ValueError) as exc:
                log.warning("cannot fetch realm keys from Keycloak: %s", exc)
            return self._keys


def _header_kid(token: str) -> str | None:
    """The header's kid, or None; malformed tokens are left for the decoder to reject."""
    try:
        header = json_decode(base64url_decode(token.split(".", 1)[0]))
    except (ValueError, TypeError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def _key_set(document: dict[str, Any]) -> jwk.JWKSet:
    keys = jwk.JWKSet()
    for entry in document.get("keys", []):
        # Keycloak also publishes encryption keys; those must not verify signatures.
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        try:
            keys.add(jwk.JWK(**entry))
        except (JWException, ValueError, TypeError) as exc:
            log.warning("skipping unusable realm key %s: %s", entry.get("kid"), exc)
    return keys


_CLAIM_MESSAGES = {
    "iss": "token was not issued by this realm",
    "aud": "token is not meant for this audience",
    "typ": "token is not an access token",
}


def _claim_message(error: str) -> str:
    # jwcrypto names the claim only inside its message: "Invalid 'iss' value. ..."
    claim = error.split("'")[1] if error.startswith("Invalid '") else ""
    return _CLAIM_MESSAGES.get(claim, "token has an invalid claim")


def _principal(claims: dict[str, Any]) -> Principal:
    realm_access = claims.get("realm_access")
    raw_roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else []
    if not isinstance(raw_roles, list):
        raw_roles = []
    username = claims.get("preferred_username")
    return Principal(
        subject=str(claims["sub"]),
        username=username if isinstance(username, str) else None,
        roles=frozenset(role for role in raw_roles if isinstance(role, str)),
        issuer=str(claims["iss"]),
    )


_bearer = HTTPBearer(auto_error=False)


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: a verified principal holding at least one of ``roles`` (any, if none given)."""
    wanted = frozenset(roles)

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="missing bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        verifier: TokenVerifier = request.app.state.token_verifier
        try:
            principal = await verifier.verify(credentials.credentials)
        except InvalidToken as exc:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail=f"invalid bearer token: {exc}",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from None
        if wanted and not principal.roles & wanted:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"requires one of the roles: {', '.join(sorted(wanted))}",
            )
        return principal

    return dependency
