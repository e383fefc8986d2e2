"""The events notification emits, staged in its outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import Alert, Notice
from shared.contracts import catalogue
from shared.contracts.notification import (
    AlertClosedV1,
    AlertRaisedV1,
    AuthorityNotifiedV1,
    Channel,
    ConsularNotifiedV1,
)
from shared.platform import outbox

SERVICE = "notification"
CHANNELS = frozenset(Channel)


def _stage(
    session: AsyncSession, contract: Any, payload: Any, country: str, case_id: Any, at: datetime
) -> None:
    outbox.stage(
        session, contract, payload, country=country, service=SERVICE, case_id=case_id, at=at
    )


def notice_settled(
    session: AsyncSession, country: str, notice: Notice, recipient: str, at: datetime
) -> None:
    """Announce a delivered or finally failed consular or authority notice. A notice whose
    recipient was never configured went through no channel: it is announced by its alert
    alone, since these events name the channel that was used."""
    outcome = "delivered" if notice.status == "delivered" else "failed"
    if notice.channel not in CHANNELS:
        return
    if notice.purpose == "consular":
        payload = ConsularNotifiedV1(
            case_id=notice.case_id,
            notice_id=notice.id,
            country=country,
            consulate_country=notice.recipient_key,
            channel=notice.channel,
            sent_at=at,
            outcome=outcome,
            reference=str(notice.id),
        )
        _stage(session, catalogue.CONSULAR_NOTIFIED_V1, payload, country, notice.case_id, at)
    elif notice.purpose in ("child-registered", "shelter-assigned") or notice.purpose.startswith(
        "protection-referral"
    ):
        payload = AuthorityNotifiedV1(
            case_id=notice.case_id,
            notice_id=notice.id,
            country=country,
            recipient=recipient,
            purpose=notice.purpose,
            channel=notice.channel,
            sent_at=at,
            outcome=outcome,
        )
        _stage(session, catalogue.AUTHORITY_NOTIFIED_V1, payload, country, notice.case_id, at)


def alert_raised(session: AsyncSession, country: str, alert: Alert) -> None:
    payload = AlertRaisedV1(
        alert_id=alert.id,
        case_id=alert.case_id,
        country=country,
        kind=alert.kind,
        detail=alert.detail,
        raised_at=alert.raised_at,
    )
    _stage(session, catalogue.ALERT_RAISED_V1, payload, country, alert.case_id, alert.raised_at)


def alert_closed(session: AsyncSession, country: str, alert: Alert) -> None:
    assert alert.closed_at is not None
    payload = AlertClosedV1(
        alert_id=alert.id,
        case_id=alert.case_id,
        country=country,
        kind=alert.kind,
        closed_at=alert.closed_at,
    )
    _stage(session, catalogue.ALERT_CLOSED_V1, payload, country, alert.case_id, alert.closed_at)
