"""The recipients at the other end of the notices: consulates reached by signed webhook, whose
behaviour the fault schedule turns slow, failing and healthy again, and an SMTP server for
the authorities and shelters. Each keeps its own log of what arrived."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any, Literal

from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.notification.channels import NOTICE_ID_HEADER, SIGNATURE_HEADER, verify
from shared.platform.embedded_broker import free_port

Mode = Literal["healthy", "slow", "failing"]
SLOW_SECONDS = 8.0  # longer than the notification service's delivery timeout


@dataclass(frozen=True)
class Receipt:
    notice_id: str
    idempotency_key: str
    at: float  # monotonic
    status: int
    late: bool  # answered after the sender had given up waiting
    arrived: datetime  # the wall clock the databases use too, when the request came in


@dataclass
class Consulates:
    secret: str
    mode: Mode = "healthy"
    receipts: list[Receipt] = field(default_factory=list)
    bad_signatures: int = 0

    def app(self) -> FastAPI:
        app = FastAPI(title="consulates")

        @app.post("/hooks/{name}")
        async def hook(name: str, request: Request) -> JSONResponse:
            body = await request.body()
            if not verify(body, self.secret, request.headers.get(SIGNATURE_HEADER, "")):
                self.bad_signatures += 1
                return JSONResponse({"accepted": False}, status_code=401)
            arrived = datetime.now(UTC)
            notice_id = request.headers.get(NOTICE_ID_HEADER, "")
            key = request.headers.get("Idempotency-Key", "")
            slow = self.mode == "slow"
            if slow:
                await asyncio.sleep(SLOW_SECONDS)
            status = 503 if self.mode == "failing" else 202
            # a slow answer that the sender gave up on was still received here
            self.receipts.append(Receipt(notice_id, key, time.monotonic(), status, slow, arrived))
            return JSONResponse({"accepted": status == 202}, status_code=status)

        return app

    def accepted(self) -> dict[str, list[float]]:
        """Notice id -> the times this consulate accepted it."""
        accepted: dict[str, list[float]] = {}
        for receipt in self.receipts:
            if receipt.status == 202:
                accepted.setdefault(receipt.notice_id, []).append(receipt.at)
        return accepted

    def answered_late(self) -> set[str]:
        return {r.notice_id for r in self.receipts if r.late and r.status == 202}

    def keys_match(self) -> bool:
        """Every delivery carries its notice id as Idempotency-Key, so a repeat is known."""
        return all(r.idempotency_key == r.notice_id for r in self.receipts)


class Inbox:
    """aiosmtpd handler: one entry per message, by Message-ID (the notice id)."""

    def __init__(self) -> None:
        self.received: dict[str, list[float]] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = message_from_bytes(envelope.content)["Message-ID"] or ""
        notice_id = message_id.strip("<>").split("@", 1)[0]
        self.received.setdefault(notice_id, []).append(time.monotonic())
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
