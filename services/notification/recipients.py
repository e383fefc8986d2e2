"""The recipients directory: consulates by country, the child-protection authority, shelters
and supervisors, each with a channel. Managed over HTTP; a TOML seed for development."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import Recipient
from services.notification.schemas import RecipientIn, RecipientOut

KINDS = ("consulates", "authorities", "shelters", "supervisors")


async def put(
    session: AsyncSession, kind: str, key: str, recipient_in: RecipientIn, now: datetime
) -> Recipient:
    recipient = await session.get(Recipient, (kind, key))
    if recipient is None:
        recipient = Recipient(kind=kind, key=key)
        session.add(recipient)
    for field, value in recipient_in.model_dump(mode="json").items():
        setattr(recipient, field, value)
    recipient.updated_at = now
    await session.flush()
    return recipient


def out(recipient: Recipient) -> RecipientOut:
    return RecipientOut(
        kind=recipient.kind,
        key=recipient.key,
        name=recipient.name,
        channel=recipient.channel,
        address=recipient.address,
        contact=recipient.contact,
        has_secret=bool(recipient.secret),
        updated_at=recipient.updated_at,
    )


async def listing(session: AsyncSession, kind: str | None = None) -> list[Recipient]:
    query = select(Recipient).order_by(Recipient.kind, Recipient.key)
    if kind:
        query = query.where(Recipient.kind == kind)
    return list(await session.scalars(query))


def load_seed(path: Path) -> list[tuple[str, str, RecipientIn]]:
    """``[kind.key]`` tables of RecipientIn fields."""
    entries = []
    for kind, keyed in tomllib.loads(path.read_text()).items():
        if kind not in KINDS:
            raise ValueError(f"{path}: unknown recipient kind {kind!r}")
        for key, fields in keyed.items():
            entries.append((kind, key, RecipientIn.model_validate(fields)))
    return entries


async def seed(
    session: AsyncSession, entries: list[tuple[str, str, RecipientIn]], now: datetime
) -> int:
    if await session.scalar(select(func.count()).select_from(Recipient)):
        return 0
    for kind, key, recipient_in in entries:
        await put(session, kind, key, recipient_in, now)
    return len(entries)
