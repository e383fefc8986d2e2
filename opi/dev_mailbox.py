"""The development mailbox of `opi dev`: an SMTP server (aiosmtpd) and a webhook receiver
that stand in for the consulates, authorities, shelters and supervisors of the demo. Every
message is kept in ``messages.jsonl`` and listed at ``http://127.0.0.1:<port>/``; webhook
signatures are checked with the secret `opi dev` gave the recipients."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from services.notification.channels import NOTICE_ID_HEADER, SIGNATURE_HEADER, verify


class Mailbox:
    def __init__(self, directory: Path, secret: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.file = directory / "messages.jsonl"
        self.secret = secret

    def keep(self, entry: dict[str, Any]) -> None:
        entry = {"received_at": datetime.now(UTC).isoformat(), **entry}
        with self.file.open("a") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        if not self.file.exists():
            return []
        return [json.loads(line) for line in self.file.read_text().splitlines() if line]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        email = message_from_bytes(envelope.content)
        body = email.get_payload(decode=True) or b""
        self.keep(
            {
                "channel": "email",
                "to": envelope.rcpt_tos,
                "subject": email["Subject"],
                "body": body.decode(errors="replace"),
            }
        )
        return "250 Message accepted for delivery"

    def web(self) -> FastAPI:
        app = FastAPI(title="OPI development mailbox")

        @app.post("/hooks/{name}")
        async def hook(name: str, request: Request) -> JSONResponse:
            body = await request.body()
            signed = verify(body, self.secret, request.headers.get(SIGNATURE_HEADER, ""))
            self.keep(
                {
                    "channel": "webhook",
                    "to": name,
                    "signature_valid": signed,
                    "notice_id": request.headers.get(NOTICE_ID_HEADER),
                    "body": body.decode(errors="replace"),
                }
            )
            return JSONResponse({"accepted": signed}, status_code=202 if signed else 401)

        @app.get("/messages.json")
        async def messages() -> list[dict[str, Any]]:
            return self.entries()

        @app.get("/", response_class=HTMLResponse)
        async def page() -> str:
            rows = "".join(
                f"<tr><td>{html.escape(e['received_at'])}</td><td>{e['channel']}</td>"
                f"<td>{html.escape(str(e['to']))}</td><td><pre>{html.escape(e['body'])}</pre>"
                "</td></tr>"
                for e in reversed(self.entries())
            )
            return (
                "<!doctype html><meta charset=utf-8><title>OPI mailbox</title>"
                "<h1>Messages sent by the platform</h1><table border=1 cellpadding=4>"
                f"<tr><th>received</th><th>channel</th><th>to</th><th>message</th></tr>"
                f"{rows}</table>"
            )

        return app


def main(
    directory: Annotated[Path, typer.Option()],
    smtp_port: Annotated[int, typer.Option()],
    http_port: Annotated[int, typer.Option()],
    secret: Annotated[str, typer.Option(envvar="OPI_DEV_WEBHOOK_SECRET")],
) -> None:
    mailbox = Mailbox(directory, secret)
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        uvicorn.run(mailbox.web(), host="127.0.0.1", port=http_port, log_level="warning")
    finally:
        smtp.stop()


if __name__ == "__main__":
    typer.run(main)
