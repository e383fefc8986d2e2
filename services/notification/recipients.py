"""The recipients directory: consulates by country, the child-protection authority, shelters
and supervisors, each with a channel. Managed over HTTP; a TOML seed for development.

Every change is audited (``audit_log``): who, when, the entry before and after, a secret only
as whether one is set and whether it changed. A consulate's or an authority's entry changes
only through a second supervisor's approval (``recipient_changes``); shelters and the
supervisors take effect at once. The delivery worker reads only the entry in effect."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import AuditEntry, Recipient
from services.notification.schemas import RecipientHistoryOut, RecipientIn, RecipientOut
from shared.platform import audit
from shared.platform.auth import Principal

KINDS = ("consulates", "authorities", "shelters", "supervisors")
# entries that take effect only once a second supervisor approves them
FOUR_EYES = ("consulates", "authorities")
# who changed the directory when it was seeded from OPI_NOTIFICATION_RECIPIENTS_FILE
SEED_ACTOR = Principal(
    subject="opi:recipients-file", username=None, roles=frozenset(), issuer="opi"
)

SET, SEEDED = "recipient.set", "recipient.seeded"
PROPOSED, APPROVED, REJECTED = (
    "recipient.change-proposed",
    "recipient.change-approved",
    "recipient.change-rejected",
)
ACTIONS = (SET, SEEDED, PROPOSED, APPROVED, REJECTED)


def needs_approval(kind: str) -> bool:
    return kind in FOUR_EYES


def snapshot(recipient: Recipient | None) -> dict[str, Any] | None:
    """An entry as the audit trail keeps it: never the secret, only whether one is set."""
    if recipient is None:
        return None
    return {
        "name": recipient.name,
        "channel": recipient.channel,
        "address": recipient.address,
        "contact": recipient.contact,
        "has_secret": bool(recipient.secret),
    }


def snapshot_of(recipient_in: RecipientIn) -> dict[str, Any]:
    fields = recipient_in.model_dump(mode="json", exclude={"secret"})
    return {**fields, "has_secret": bool(recipient_in.secret)}


def secret_changed(before: Recipient | None, secret: str | None) -> bool:
    return (before.secret if before else None) != secret


async def install(
    session: AsyncSession, kind: str, key: str, recipient_in: RecipientIn, now: datetime
) -> Recipient:
    """Write the entry in effect as given. Callers audit it; only they know who and why."""
    recipient = await session.get(Recipient, (kind, key))
    if recipient is None:
        recipient = Recipient(kind=kind, key=key)
        session.add(recipient)
    for field, value in recipient_in.model_dump(mode="json").items():
        setattr(recipient, field, value)
    recipient.updated_at = now
    await session.flush()
    return recipient


async def apply(
    session: AsyncSession,
    actor: Principal,
    action: str,
    kind: str,
    key: str,
    recipient_in: RecipientIn,
    now: datetime,
    **detail: Any,
) -> Recipient:
    """Change the entry in effect and audit the change, before and after."""
    found = await session.get(Recipient, (kind, key))
    before = snapshot(found)
    changed = secret_changed(found, recipient_in.secret)
    recipient = await install(session, kind, key, recipient_in, now)
    record(
        session,
        actor,
        action,
        kind,
        key,
        now,
        before=before,
        after=snapshot(recipient),
        secret_changed=changed,
        **detail,
    )
    return recipient


async def set_at_once(
    session: AsyncSession,
    actor: Principal,
    kind: str,
    key: str,
    recipient_in: RecipientIn,
    now: datetime,
) -> Recipient:
    """A shelter's or the supervisors' entry: in effect at once, audited."""
    assert not needs_approval(kind), f"{kind} entries take a second supervisor's approval"
    return await apply(session, actor, SET, kind, key, recipient_in, now)


def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    kind: str,
    key: str,
    now: datetime,
    **detail: Any,
) -> None:
    audit.record(
        session, actor, action, None, now, kind=kind, key=key, username=actor.username, **detail
    )


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


async def history(session: AsyncSession, kind: str, key: str) -> list[RecipientHistoryOut]:
    """Every audited change of one entry, oldest first."""
    entries = await session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action.in_(ACTIONS),
            AuditEntry.detail["kind"].as_string() == kind,
            AuditEntry.detail["key"].as_string() == key,
        )
        .order_by(AuditEntry.id)
    )
    return [
        RecipientHistoryOut(
            at=entry.at,
            action=entry.action,
            actor=entry.actor,
            username=entry.detail.get("username"),
            change_id=entry.detail.get("change_id"),
            before=entry.detail.get("before"),
            after=entry.detail.get("after"),
            proposed=entry.detail.get("proposed"),
            secret_changed=entry.detail.get("secret_changed"),
            proposed_by=entry.detail.get("proposed_by"),
            reason=entry.detail.get("reason"),
        )
        for entry in entries
    ]


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
    """Fill an empty directory from the development seed, every entry in effect at once
    (no second supervisor: it is the instance's own configuration), audited."""
    if await session.scalar(select(func.count()).select_from(Recipient)):
        return 0
    for kind, key, recipient_in in entries:
        await apply(session, SEED_ACTOR, SEEDED, kind, key, recipient_in, now)
    return len(entries)
