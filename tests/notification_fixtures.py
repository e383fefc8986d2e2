"""A webhook receiver for tests of the notification service: a real HTTP server that checks
each signature, can be told to fail, and keeps what it accepted (once per notice id); and the
directory's entries put in effect directly, as the development seed does (a consulate or an
authority set over HTTP waits for a second supervisor's approval)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response

from services.notification import recipients
from services.notification.channels import NOTICE_ID_HEADER, SIGNATURE_HEADER, verify
from services.notification.schemas import RecipientIn

SECRET = "consulate-shared-secret-0001"


@dataclass
class Receiver:
    secret: str = SECRET
    failures_left: dict[str, int] = field(default_factory=dict)  # path -> failures to answer
    always_fail: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # notice id -> message
    bad_signatures: int = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks/{name}")
        async def hook(name: str, request: Request) -> Response:
            body = await request.body()
            self.requests.append({"name": name, "body": body, "headers": dict(request.headers)})
            if not verify(body, self.secret, request.headers.get(SIGNATURE_HEADER, "")):
                self.bad_signatures += 1
                return Response(status_code=401)
            if name in self.always_fail or self.failures_left.get(name, 0) > 0:
                self.failures_left[name] = self.failures_left.get(name, 0) - 1
                return Response(status_code=503)
            # a real receiver ignores a repeat of a notice it already accepted
            self.accepted.setdefault(
                request.headers[NOTICE_ID_HEADER], {"name": name, "message": await request.json()}
            )
            return Response(status_code=202)

        return app

    def accepted_by(self, name: str) -> list[dict[str, Any]]:
        return [a["message"] for a in self.accepted.values() if a["name"] == name]


def recipient(url: str, name: str = "Consulado") -> dict[str, Any]:
    return {
        "name": name,
        "channel": "webhook",
        "address": url,
        "secret": SECRET,
        "contact": "+52 55 5555 0000",
    }


async def seed_recipients(app: FastAPI, entries: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """``("consulates/GT", recipient(...))`` entries in effect at once, through the service's
    own seeding (audited as seeded), bypassing the four-eyes approval of HTTP changes."""
    seeded = []
    for kind_key, body in entries:
        kind, key = kind_key.split("/", 1)
        seeded.append((kind, key, RecipientIn.model_validate(body)))
    async with app.state.sessions() as session, session.begin():
        for kind, key, recipient_in in seeded:
            await recipients.apply(
                session,
                recipients.SEED_ACTOR,
                recipients.SEEDED,
                kind,
                key,
                recipient_in,
                datetime.now(UTC),
            )
