"""Alerts to supervisors: raised once per case and kind, closed when resolved; each one is an
event and a notice to the supervisors."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import events, notices
from services.notification.models import Alert
from shared.contracts.notification import AlertKind


async def open_alert(session: AsyncSession, case_id: UUID, kind: AlertKind) -> Alert | None:
    return await session.scalar(
        select(Alert).where(
            Alert.case_id == case_id, Alert.kind == kind.value, Alert.closed_at.is_(None)
        )
    )


async def raise_alert(
    session: AsyncSession,
    case_id: UUID,
    kind: AlertKind,
    detail: str,
    *,
    country: str,
    now: datetime,
) -> Alert | None:
    """Raise the alert unless one of its kind is already open for the case."""
    if await open_alert(session, case_id, kind) is not None:
        return None
    alert = Alert(id=uuid4(), case_id=case_id, kind=kind.value, detail=detail, raised_at=now)
    session.add(alert)
    await session.flush()
    events.alert_raised(session, country, alert)
    await notices.to_supervisors(session, alert, now=now)
    return alert


async def close_alert(
    session: AsyncSession, case_id: UUID, kind: AlertKind, *, country: str, now: datetime
) -> bool:
    alert = await open_alert(session, case_id, kind)
    if alert is None:
        return False
    alert.closed_at = now
    events.alert_closed(session, country, alert)
    return True


async def listing(session: AsyncSession, *, case_id: UUID | None, open_only: bool) -> list[Alert]:
    query = select(Alert).order_by(Alert.raised_at)
    if case_id:
        query = query.where(Alert.case_id == case_id)
    if open_only:
        query = query.where(Alert.closed_at.is_(None))
    return list(await session.scalars(query))
