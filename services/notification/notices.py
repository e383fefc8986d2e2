"""Notices: what to tell whom, stored before anything is sent (the delivery worker sends)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import firewall, need
from services.notification.models import Alert, Notice, NotifiedCase, Recipient

log = logging.getLogger(__name__)

CONSULATES, AUTHORITIES, SHELTERS, SUPERVISORS = (
    "consulates",
    "authorities",
    "shelters",
    "supervisors",
)
DEFAULT = "default"


async def recipient(session: AsyncSession, kind: str, key: str) -> Recipient | None:
    found = await session.get(Recipient, (kind, key))
    if found is None and kind == SHELTERS:
        found = await session.get(Recipient, (kind, DEFAULT))
    return found


async def plan(
    session: AsyncSession,
    *,
    case_id: UUID,
    purpose: str,
    kind: str,
    key: str,
    message: dict[str, Any],
    now: datetime,
    notice_id: UUID | None = None,
) -> Notice:
    """Store a notice once per case, purpose and recipient; a repeat returns the first."""
    existing = await session.scalar(
        select(Notice).where(
            Notice.case_id == case_id, Notice.purpose == purpose, Notice.recipient_key == key
        )
    )
    if existing is not None:
        return existing
    target = await recipient(session, kind, key)
    notice = Notice(
        id=notice_id or uuid4(),
        case_id=case_id,
        purpose=purpose,
        recipient_kind=kind,
        recipient_key=key,
        channel=target.channel if target else "none",
        message=message,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(notice)
    await session.flush()
    return notice


def case_facts(case: NotifiedCase) -> dict[str, Any]:
    return {
        "given_names": case.given_names,
        "family_names": case.family_names,
        "sex": case.sex,
        "age_years": case.age_years,
        "nationalities": case.nationalities,
    }


async def to_authority(
    session: AsyncSession, case: NotifiedCase, details: dict[str, Any], now: datetime
) -> Notice:
    message = {
        "type": "child-registered",
        "case_id": str(case.case_id),
        "child": case_facts(case),
        **details,
    }
    return await plan(
        session,
        case_id=case.case_id,
        purpose="child-registered",
        kind=AUTHORITIES,
        key=DEFAULT,
        message=message,
        now=now,
    )


async def to_shelter(
    session: AsyncSession, case_id: UUID, shelter_id: UUID, details: dict[str, Any], now: datetime
) -> Notice:
    message = {"type": "shelter-assigned", "case_id": str(case_id), **details}
    return await plan(
        session,
        case_id=case_id,
        purpose="shelter-assigned",
        kind=SHELTERS,
        key=str(shelter_id),
        message=message,
        now=now,
    )


async def to_supervisors(session: AsyncSession, alert: Alert, now: datetime) -> Notice:
    message = {
        "type": "alert",
        "alert": alert.kind,
        "case_id": str(alert.case_id),
        "detail": alert.detail,
        "raised_at": alert.raised_at.isoformat(),
    }
    return await plan(
        session,
        case_id=alert.case_id,
        purpose=f"alert:{alert.id}",
        kind=SUPERVISORS,
        key=DEFAULT,
        message=message,
        now=now,
    )


async def consular(
    session: AsyncSession, case: NotifiedCase, *, country: str, now: datetime
) -> Notice | None:
    """The consular notice, if the firewall allows one now."""
    if await need.consular_refusal(session, case, country):
        return None
    consulate = firewall.consulate_country(case, country)
    assert consulate is not None
    authority = await recipient(session, AUTHORITIES, DEFAULT)
    responsible = {
        "name": authority.name if authority else "child-protection authority",
        "contact": (authority.contact or "") if authority else "",
    }
    notice_id = uuid4()
    message = firewall.consular_message(
        case, notice_id=str(notice_id), consulate=consulate, authority=responsible, at=now
    )
    case.consular_allowed_at = case.consular_allowed_at or now
    return await plan(
        session,
        case_id=case.case_id,
        purpose="consular",
        kind=CONSULATES,
        key=consulate,
        message=message,
        now=now,
        notice_id=notice_id,
    )


async def block_consular(session: AsyncSession, case_id: UUID, why: str) -> list[Notice]:
    """A need opened: nothing waiting may reach the consulate. A notice being sent at this
    moment is left to its outcome: recorded as delivered if it was, and then followed by
    the flag-after-notice alert; sent again, and so refused by the firewall, if it was not."""
    pending = await session.scalars(
        select(Notice).where(
            Notice.case_id == case_id,
            Notice.purpose == "consular",
            Notice.status.in_(("pending", "failed")),
        )
    )
    blocked = list(pending)
    for notice in blocked:
        notice.status = "blocked"
        notice.last_error = why
    return blocked


async def listing(session: AsyncSession, *, case_id: UUID | None) -> list[Notice]:
    query = select(Notice).order_by(Notice.created_at)
    if case_id:
        query = query.where(Notice.case_id == case_id)
    return list(await session.scalars(query))
