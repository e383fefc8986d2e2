"""Four eyes on the consulates and the authorities: a supervisor proposes a change of their
entry, and it takes effect only when a second supervisor, not the proposer, approves it.

Until then the entry in effect (``recipients``) is untouched, so the delivery worker never
uses an unapproved address. One change of an entry is pending at a time: a newer proposal
supersedes the older one, and an approval or rejection names the change by its id, so a
reviewer never approves something other than what they looked at. Each step is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID, uuid4

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import recipients
from services.notification.models import Recipient, RecipientChange
from services.notification.schemas import (
    ProposedRecipient,
    RecipientChangeOut,
    RecipientIn,
)
from shared.platform.auth import Principal

Status = Literal["pending", "approved", "rejected", "superseded"]
STATUSES: tuple[Status, ...] = ("pending", "approved", "rejected", "superseded")


class ChangeNotFound(LookupError):
    pass


class SameSupervisor(PermissionError):
    """The proposer cannot decide on their own change."""


class AlreadyDecided(Exception):
    pass


def status_of(change: RecipientChange) -> Status:
    if change.decision is None:
        return "pending"
    assert change.decision in STATUSES, change.decision
    return change.decision  # type: ignore[return-value]


def entry_of(change: RecipientChange) -> RecipientIn:
    """The proposed entry, with its secret (only while the change is pending)."""
    return RecipientIn.model_validate({**change.proposed, "secret": change.secret})


async def propose(
    session: AsyncSession,
    actor: Principal,
    kind: str,
    key: str,
    recipient_in: RecipientIn,
    now: datetime,
) -> RecipientChange:
    """Record a proposed entry; what is in effect stays as it is."""
    assert recipients.needs_approval(kind), f"{kind} entries take effect at once"
    change_id = uuid4()
    superseded = await session.execute(
        update(RecipientChange)
        .where(
            RecipientChange.kind == kind,
            RecipientChange.key == key,
            RecipientChange.decided_at.is_(None),
        )
        .values(
            decided_at=now,
            decided_by=actor.subject,
            decided_by_name=actor.username,
            decision="superseded",
            reason=f"superseded by change {change_id}",
            secret=None,
        )
        .returning(RecipientChange.id)
    )
    earlier = [str(found) for found in superseded.scalars()]
    change = RecipientChange(
        id=change_id,
        kind=kind,
        key=key,
        proposed=recipient_in.model_dump(mode="json", exclude={"secret"}),
        secret=recipient_in.secret,
        secret_proposed=bool(recipient_in.secret),
        proposed_by=actor.subject,
        proposed_by_name=actor.username,
        proposed_at=now,
    )
    session.add(change)
    await session.flush()
    current = await session.get(Recipient, (kind, key))
    recipients.record(
        session,
        actor,
        recipients.PROPOSED,
        kind,
        key,
        now,
        change_id=str(change_id),
        before=recipients.snapshot(current),
        after=recipients.snapshot(current),  # nothing changes until it is approved
        proposed=recipients.snapshot_of(recipient_in),
        secret_changed=False,
        secret_would_change=recipients.secret_changed(current, recipient_in.secret),
        supersedes=earlier,
    )
    return change


async def pending(session: AsyncSession, actor: Principal, change_id: UUID) -> RecipientChange:
    """The change a supervisor may decide on now: it exists, is pending, and is not theirs."""
    change = await session.get(RecipientChange, change_id)
    if change is None:
        raise ChangeNotFound(f"no recipient change {change_id}")
    if change.proposed_by == actor.subject:
        raise SameSupervisor(
            f"{change.kind}/{change.key}: you proposed this change; another supervisor "
            "must approve or reject it"
        )
    if change.decision is not None:
        raise AlreadyDecided(
            f"change {change_id} of {change.kind}/{change.key} is already {change.decision}"
        )
    return change


async def _decide(
    session: AsyncSession,
    actor: Principal,
    change: RecipientChange,
    decision: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Claim the decision: only one of two supervisors deciding at once gets it."""
    decided = await session.execute(
        update(RecipientChange)
        .where(RecipientChange.id == change.id, RecipientChange.decided_at.is_(None))
        .values(
            decided_at=now,
            decided_by=actor.subject,
            decided_by_name=actor.username,
            decision=decision,
            reason=reason,
            secret=None,  # kept no longer than needed: it is in the entry now, or discarded
        )
        .returning(RecipientChange.id)
    )
    if decided.scalar_one_or_none() is None:
        raise AlreadyDecided(f"change {change.id} of {change.kind}/{change.key} was decided")
    await session.refresh(change)


async def approve(
    session: AsyncSession,
    actor: Principal,
    change_id: UUID,
    reason: str | None,
    now: datetime,
) -> tuple[RecipientChange, Recipient]:
    """Put the proposed entry in effect (the caller has checked its address again)."""
    change = await pending(session, actor, change_id)
    entry = entry_of(change)
    await _decide(session, actor, change, "approved", reason, now)
    recipient = await recipients.apply(
        session,
        actor,
        recipients.APPROVED,
        change.kind,
        change.key,
        entry,
        now,
        change_id=str(change.id),
        proposed=recipients.snapshot_of(entry),
        proposed_by=change.proposed_by,
        reason=reason,
    )
    return change, recipient


async def reject(
    session: AsyncSession,
    actor: Principal,
    change_id: UUID,
    reason: str,
    now: datetime,
) -> RecipientChange:
    change = await pending(session, actor, change_id)
    proposed = recipients.snapshot_of(entry_of(change))
    await _decide(session, actor, change, "rejected", reason, now)
    current = await session.get(Recipient, (change.kind, change.key))
    recipients.record(
        session,
        actor,
        recipients.REJECTED,
        change.kind,
        change.key,
        now,
        change_id=str(change.id),
        before=recipients.snapshot(current),
        after=recipients.snapshot(current),
        proposed=proposed,
        secret_changed=False,
        proposed_by=change.proposed_by,
        reason=reason,
    )
    return change


async def listing(
    session: AsyncSession, status: Status | None = None, kind: str | None = None
) -> list[RecipientChange]:
    query = select(RecipientChange).order_by(RecipientChange.proposed_at.desc())
    if status == "pending":
        query = query.where(RecipientChange.decided_at.is_(None))
    elif status is not None:
        query = query.where(RecipientChange.decision == status)
    if kind is not None:
        query = query.where(RecipientChange.kind == kind)
    return list(await session.scalars(query))


async def out(session: AsyncSession, change: RecipientChange) -> RecipientChangeOut:
    current = await session.get(Recipient, (change.kind, change.key))
    status = status_of(change)
    return RecipientChangeOut(
        id=change.id,
        kind=change.kind,
        key=change.key,
        status=status,
        proposed=ProposedRecipient.model_validate(
            {**change.proposed, "has_secret": change.secret_proposed}
        ),
        changes_secret=(
            recipients.secret_changed(current, change.secret) if status == "pending" else None
        ),
        current=recipients.out(current) if current else None,
        proposed_by=change.proposed_by,
        proposed_by_name=change.proposed_by_name,
        proposed_at=change.proposed_at,
        decided_by=change.decided_by,
        decided_by_name=change.decided_by_name,
        decided_at=change.decided_at,
        reason=change.reason,
    )
