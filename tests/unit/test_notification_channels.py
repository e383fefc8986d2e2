"""How a notice leaves the platform, over real sockets: the webhook's HMAC-SHA256 signature,
a delivery to a real local HTTP server (uvicorn), an e-mail to a real local SMTP server
(aiosmtpd), every failure as a DeliveryError, and the retry delay's backoff and jitter."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request, Response

from services.notification import delivery
from services.notification.channels import (
    NOTICE_ID_HEADER,
    SIGNATURE_HEADER,
    Channels,
    DeliveryError,
    Destination,
    body_of,
    sign,
    verify,
)
from services.notification.delivery import Policy
from services.notification.webhook_addresses import WebhookAddresses
from shared.platform.embedded_broker import free_port
from tests.conftest import RunningService

SECRET = "consulate-shared-secret-0001"
NOTICE = "5b0c3c1e-8a4e-4a43-9d5e-2f1f0f6f7a01"
SENDER = "opi-notifications@localhost"
MESSAGE = {
    "type": "consular-notification",
    "reference": NOTICE,
    "child": {"given_names": "Niña José", "family_names": "Pérez", "sex": "female"},
    "responsible_authority": {"name": "Procuraduría", "contact": "+52 55 5555 0000"},
}


def test_sign_and_verify_round_trip() -> None:
    body = body_of(MESSAGE)
    signature = sign(body, SECRET)
    assert signature.startswith("sha256=") and len(signature) == len("sha256=") + 64
    assert verify(body, SECRET, signature)
    assert sign(body, SECRET) == signature  # deterministic


def test_body_is_canonical_json() -> None:
    reordered = dict(reversed(list(MESSAGE.items())))
    assert body_of(reordered) == body_of(MESSAGE)
    assert json.loads(body_of(MESSAGE)) == MESSAGE
    assert "Niña".encode() in body_of(MESSAGE)  # UTF-8, not \u escapes


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, sig, secret: (body + b" ", sig, secret),
        lambda body, sig, secret: (body.replace(b"Ni", b"NI"), sig, secret),
        lambda body, sig, secret: (body, sig, secret + "x"),
        lambda body, sig, secret: (body, sig, "another-secret-of-16+"),
        lambda body, sig, secret: (body, sig.replace("sha256=", "sha1="), secret),
        lambda body, sig, secret: (body, sig[:-1] + ("0" if sig[-1] != "0" else "1"), secret),
        lambda body, sig, secret: (body, "", secret),
    ],
    ids=[
        "trailing-space",
        "changed-byte",
        "longer-secret",
        "other-secret",
        "prefix",
        "hex",
        "none",
    ],
)
def test_tampered_body_signature_or_wrong_secret_fails(tamper: Any) -> None:
    body = body_of(MESSAGE)
    assert not verify(*tamper(body, sign(body, SECRET), SECRET))


@dataclass
class Hooks:
    """A real receiver: records each request; answers ``status`` after ``delay`` seconds."""

    status: int = 202
    delay: float = 0.0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks/consulate")
        async def hook(request: Request) -> Response:
            self.requests.append((dict(request.headers), await request.body()))
            await asyncio.sleep(self.delay)
            return Response(status_code=self.status, headers={"Location": "https://x.test/"})

        return app


@pytest.fixture
async def hooks() -> AsyncIterator[tuple[Hooks, str]]:
    receiver = Hooks()
    async with RunningService(receiver.app()) as server:
        yield receiver, f"{server.url}/hooks/consulate"


def channels(http: httpx.AsyncClient, smtp_port: int = 1, timeout: float = 5.0) -> Channels:
    return Channels(
        http=http,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        sender=SENDER,
        smtp_timeout=timeout,
        addresses=WebhookAddresses(development=True),  # the receivers run on this machine
    )


def webhook(url: str, secret: str | None = SECRET) -> Destination:
    return Destination("webhook", url, secret, "Consulado de Guatemala")


async def test_webhook_is_posted_signed_with_the_notice_id(hooks: tuple[Hooks, str]) -> None:
    receiver, url = hooks
    async with httpx.AsyncClient() as http:
        outcome = await channels(http).deliver(webhook(url), NOTICE, MESSAGE)
    assert outcome == "HTTP 202"
    ((headers, body),) = receiver.requests
    assert body == body_of(MESSAGE)
    assert json.loads(body) == MESSAGE
    assert headers["content-type"] == "application/json"
    assert headers[SIGNATURE_HEADER.lower()] == sign(body, SECRET)
    assert verify(body, SECRET, headers[SIGNATURE_HEADER.lower()])
    assert headers[NOTICE_ID_HEADER.lower()] == NOTICE
    assert headers["idempotency-key"] == NOTICE


async def test_a_repeat_is_sent_with_the_same_idempotency_key(hooks: tuple[Hooks, str]) -> None:
    receiver, url = hooks
    async with httpx.AsyncClient() as http:
        for _ in range(2):
            await channels(http).deliver(webhook(url), NOTICE, MESSAGE)
    first, second = receiver.requests
    assert first == second


async def test_a_webhook_without_secret_goes_unsigned(hooks: tuple[Hooks, str]) -> None:
    receiver, url = hooks
    async with httpx.AsyncClient() as http:
        await channels(http).deliver(webhook(url, secret=None), NOTICE, MESSAGE)
    ((headers, _),) = receiver.requests
    assert SIGNATURE_HEADER.lower() not in headers


@pytest.mark.parametrize("status", [200, 201, 204, 299])
async def test_any_2xx_is_a_delivery(hooks: tuple[Hooks, str], status: int) -> None:
    receiver, url = hooks
    receiver.status = status
    async with httpx.AsyncClient() as http:
        assert await channels(http).deliver(webhook(url), NOTICE, MESSAGE) == f"HTTP {status}"


@pytest.mark.parametrize("status", [302, 400, 401, 404, 409, 500, 503])
async def test_a_non_2xx_answer_is_a_delivery_error_naming_it(
    hooks: tuple[Hooks, str], status: int
) -> None:
    receiver, url = hooks
    receiver.status = status
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryError, match=str(status)):
            await channels(http).deliver(webhook(url), NOTICE, MESSAGE)
    assert len(receiver.requests) == 1  # no redirect followed, no retry here


async def test_connection_refused_is_a_delivery_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/consulate"  # nothing listens there
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryError, match="ConnectError"):
            await channels(http).deliver(webhook(url), NOTICE, MESSAGE)


async def test_a_receiver_too_slow_is_a_delivery_error(hooks: tuple[Hooks, str]) -> None:
    receiver, url = hooks
    receiver.delay = 0.5
    async with httpx.AsyncClient(timeout=0.1) as http:
        with pytest.raises(DeliveryError, match="Timeout"):
            await channels(http).deliver(webhook(url), NOTICE, MESSAGE)


async def test_an_unknown_channel_is_a_delivery_error() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryError, match="sms"):
            await channels(http).deliver(Destination("sms", "+52", None, "x"), NOTICE, MESSAGE)


@dataclass
class Mailbox:
    """An aiosmtpd handler keeping each message; answers DATA with ``reply``."""

    reply: str = "250 Message accepted for delivery"
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return self.reply


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


def email_to(address: str = "consulado@example.org") -> Destination:
    return Destination("email", address, None, "Consulado de Guatemala")


async def test_email_reaches_a_real_smtp_server(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    async with httpx.AsyncClient() as http:
        outcome = await channels(http, port).deliver(email_to(), NOTICE, MESSAGE)
    assert outcome == "accepted by SMTP"
    ((mail_from, rcpt_tos, email),) = mailbox.received
    assert mail_from == SENDER and rcpt_tos == ["consulado@example.org"]
    assert email["From"] == SENDER and email["To"] == "consulado@example.org"
    assert NOTICE in email["Subject"] and "consular-notification" in email["Subject"]
    assert email["Message-ID"] == f"<{NOTICE}@opi.platform>"
    assert json.loads(email.get_content()) == MESSAGE  # non-ASCII names intact


async def test_an_smtp_rejection_is_a_delivery_error(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.reply = "554 Transaction failed"
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryError, match="554"):
            await channels(http, port).deliver(email_to(), NOTICE, MESSAGE)


async def test_smtp_down_is_a_delivery_error() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryError):
            await channels(http, free_port(), timeout=2).deliver(email_to(), NOTICE, MESSAGE)


POLICY = Policy(max_attempts=6, base_delay=2.0, max_delay=600.0, lease=30.0)


@contextlib.contextmanager
def jitter(factor: str) -> Iterator[list[tuple[float, float]]]:
    """random.uniform pinned to its lower or upper bound; records the bounds it was given."""
    calls: list[tuple[float, float]] = []

    def pinned(low: float, high: float) -> float:
        calls.append((low, high))
        return low if factor == "low" else high

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delivery.random, "uniform", pinned)
        yield calls


def test_delay_doubles_and_caps_at_max_delay() -> None:
    with jitter("high") as calls:
        delays = [POLICY.delay(attempts) for attempts in range(1, 12)]
    assert delays == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]
    assert set(calls) == {(0.5, 1)}
    with jitter("low"):
        assert [POLICY.delay(n) for n in (1, 2, 3, 10, 30)] == [1, 2, 4, 300, 300]


def test_jitter_stays_within_half_and_whole_of_the_base() -> None:
    random.seed(1234)
    for attempts in range(1, 15):
        base = min(POLICY.max_delay, POLICY.base_delay * 2 ** (attempts - 1))
        samples = [POLICY.delay(attempts) for _ in range(400)]
        assert all(0.5 * base <= delay <= base for delay in samples)
        assert min(samples) < 0.6 * base and max(samples) > 0.9 * base  # really spread


def test_delay_stays_capped_for_any_attempt_count() -> None:
    assert POLICY.delay(1025) <= POLICY.max_delay
