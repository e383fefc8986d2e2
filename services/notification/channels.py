"""How a notice leaves the platform: a signed webhook or an e-mail."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx

from services.notification.webhook_addresses import WebhookAddresses

SIGNATURE_HEADER = "X-OPI-Signature"
NOTICE_ID_HEADER = "X-OPI-Notice-Id"


@dataclass(frozen=True)
class Destination:
    channel: str
    address: str
    secret: str | None
    name: str


class DeliveryError(Exception):
    """A failed try. ``reached``: the recipient may have read the message anyway (it answered
    with an error, or the request went out and no answer came), which for a consulate counts
    as being told."""

    def __init__(self, message: str, *, reached: bool = False) -> None:
        super().__init__(message)
        self.reached = reached


# errors after the request may have been sent: the receiver may have the message
MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError)


def body_of(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, sort_keys=True).encode()


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 over the exact body, as ``sha256=<hex>``; receivers recompute it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature)


class Channels:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        smtp_host: str,
        smtp_port: int,
        sender: str,
        smtp_timeout: float,
        addresses: WebhookAddresses,
    ) -> None:
        self._http = http
        self._addresses = addresses
        self._smtp_host = smtp_host
        self._smtp_port = smtp_port
        self._sender = sender
        self._smtp_timeout = smtp_timeout

    async def deliver(self, destination: Destination, notice_id: str, message: dict) -> str:
        """Send once; returns a short outcome, raises DeliveryError on failure."""
        if destination.channel == "webhook":
            return await self._webhook(destination, notice_id, message)
        if destination.channel == "email":
            return await self._email(destination, notice_id, message)
        raise DeliveryError(f"unknown channel {destination.channel!r}")

    async def _webhook(self, destination: Destination, notice_id: str, message: dict) -> str:
        # again at every send: the name may resolve elsewhere since the entry was saved
        refusal = await self._addresses.refusal(destination.address)
        if refusal:
            raise DeliveryError(f"webhook address refused, nothing sent: {refusal}")
        body = body_of(message)
        headers = {
            "Content-Type": "application/json",
            NOTICE_ID_HEADER: notice_id,
            "Idempotency-Key": notice_id,
        }
        if destination.secret:
            headers[SIGNATURE_HEADER] = sign(body, destination.secret)
        try:
            response = await self._http.post(destination.address, content=body, headers=headers)
        except httpx.HTTPError as error:
            reached = isinstance(error, MAYBE_SENT)
            raise DeliveryError(f"{type(error).__name__}: {error}", reached=reached) from error
        if response.status_code >= 300:
            raise DeliveryError(f"HTTP {response.status_code}", reached=True)
        return f"HTTP {response.status_code}"

    async def _email(self, destination: Destination, notice_id: str, message: dict) -> str:
        email = EmailMessage()
        email["From"] = self._sender
        email["To"] = destination.address
        email["Subject"] = f"[OPI] {message.get('type', 'notice')} {notice_id}"
        email["Message-ID"] = f"<{notice_id}@opi.platform>"
        email.set_content(json.dumps(message, ensure_ascii=False, indent=2))
        try:
            await aiosmtplib.send(
                email, hostname=self._smtp_host, port=self._smtp_port, timeout=self._smtp_timeout
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return "accepted by SMTP"
