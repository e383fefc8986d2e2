"""Deadlines supervisors watch: a case not screened within ``screening_deadline_hours`` and
a foreign child whose allowed consular notice is not delivered within
``consular_deadline_hours``. Alerts open when a deadline passes and close once resolved.
Driven by the service's clock, so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import alerts, need
from services.notification.models import Alert, NotifiedCase, NotifiedReferral
from shared.contracts.notification import AlertKind
from shared.contracts.protection_need import PENDING_REFERRAL_STATUSES


async def check(
    session: AsyncSession,
    *,
    now: datetime,
    screening_hours: float,
    consular_hours: float,
    country: str,
) -> int:
    """Raise what is overdue and close what is resolved; returns how many alerts changed."""
    changed = 0
    overdue_screening = await session.scalars(
        select(NotifiedCase).where(
            NotifiedCase.registration_seen,
            NotifiedCase.screening_sequence == 0,
            NotifiedCase.registered_at <= now - timedelta(hours=screening_hours),
        )
    )
    for case in overdue_screening:
        changed += (
            await alerts.raise_alert(
                session,
                case.case_id,
                AlertKind.SCREENING_OVERDUE,
                f"registered {case.registered_at.isoformat()} and not screened within "
                f"{screening_hours:g} h",
                country=country,
                now=now,
            )
            is not None
        )
    overdue_consular = await session.scalars(
        select(NotifiedCase).where(
            NotifiedCase.consular_allowed_at.is_not(None),
            NotifiedCase.consular_notified_at.is_(None),
            NotifiedCase.international_protection_need.is_(False),
            NotifiedCase.trafficking_suspected.is_(False),
            ~exists().where(
                NotifiedReferral.case_id == NotifiedCase.case_id,
                NotifiedReferral.status.in_(PENDING_REFERRAL_STATUSES),
            ),
            NotifiedCase.consular_allowed_at <= now - timedelta(hours=consular_hours),
        )
    )
    for case in overdue_consular:
        changed += (
            await alerts.raise_alert(
                session,
                case.case_id,
                AlertKind.CONSULAR_NOTICE_OVERDUE,
                f"no consular notice delivered within {consular_hours:g} h of a screening that "
                "allows it",
                country=country,
                now=now,
            )
            is not None
        )
    return changed + await _close_resolved(session, now=now, country=country)


async def _close_resolved(session: AsyncSession, *, now: datetime, country: str) -> int:
    open_alerts = (
        await session.execute(
            select(Alert, NotifiedCase)
            .join(NotifiedCase, NotifiedCase.case_id == Alert.case_id)
            .where(
                Alert.closed_at.is_(None),
                Alert.kind.in_(
                    (AlertKind.SCREENING_OVERDUE.value, AlertKind.CONSULAR_NOTICE_OVERDUE.value)
                ),
            )
        )
    ).all()
    closed = 0
    for alert, case in open_alerts:
        resolved = (
            case.screening_sequence > 0
            if alert.kind == AlertKind.SCREENING_OVERDUE
            else case.consular_notified_at is not None or bool(await need.reasons(session, case))
        )
        if resolved:
            closed += await alerts.close_alert(
                session, case.case_id, AlertKind(alert.kind), country=country, now=now
            )
    return closed
