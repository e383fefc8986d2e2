"""HTTP routes of notification: the recipients directory, notices with their attempts,
resends (which still obey the firewall) and alerts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from services.notification import alerts, notices, recipients, resend
from services.notification.models import Notice, NoticeAttempt
from services.notification.schemas import (
    AlertOut,
    AttemptOut,
    NoticeOut,
    RecipientIn,
    RecipientOut,
)
from shared.contracts.codes import CountryCode
from shared.platform import audit
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, conflict, not_found, utc_now
from shared.platform.roles import Role

router = APIRouter()
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Reader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPI_OFFICER))]
Kind = Annotated[str, Path(pattern="^(consulates|authorities|shelters|supervisors)$")]


@router.put(
    "/recipients/consulates/{country}",
    response_model=RecipientOut,
    tags=["recipients"],
    summary="Set how a country's consulate is reached",
)
async def put_consulate(
    country: CountryCode, recipient_in: RecipientIn, session: Session, actor: Supervisor
) -> RecipientOut:
    found = await recipients.put(session, "consulates", country, recipient_in, utc_now())
    await session.commit()
    return recipients.out(found)


@router.put(
    "/recipients/{kind}/{key}",
    response_model=RecipientOut,
    tags=["recipients"],
    summary="Set an authority, a shelter (key: its id, or default) or the supervisors",
)
async def put_recipient(
    kind: Kind,
    key: Annotated[str, Path(max_length=64)],
    recipient_in: RecipientIn,
    session: Session,
    actor: Supervisor,
) -> RecipientOut:
    found = await recipients.put(session, kind, key, recipient_in, utc_now())
    await session.commit()
    return recipients.out(found)


@router.get("/recipients", response_model=list[RecipientOut], tags=["recipients"])
async def list_recipients(
    session: Session, actor: Supervisor, kind: Kind | None = None
) -> list[RecipientOut]:
    return [recipients.out(r) for r in await recipients.listing(session, kind)]


@router.get("/recipients/{kind}/{key}", response_model=RecipientOut, tags=["recipients"])
async def read_recipient(kind: Kind, key: str, session: Session, actor: Supervisor) -> RecipientOut:
    found = await notices.recipient(session, kind, key)
    if found is None or found.key != key:
        raise not_found(f"no recipient {kind}/{key}")
    return recipients.out(found)


@router.get(
    "/notices",
    response_model=list[NoticeOut],
    tags=["notices"],
    summary="Notices of a case, with every attempt",
)
async def list_notices(
    session: Session, actor: Reader, case_id: Annotated[UUID | None, Query()] = None
) -> list[NoticeOut]:
    found = await notices.listing(session, case_id=case_id)
    now = utc_now()
    for case in {notice.case_id for notice in found}:
        audit.record(session, actor, "notice.read", case, now)
    attempts = await session.scalars(
        select(NoticeAttempt)
        .where(NoticeAttempt.notice_id.in_([n.id for n in found]))
        .order_by(NoticeAttempt.id)
    )
    by_notice: dict[UUID, list[NoticeAttempt]] = {}
    for attempt in attempts:
        by_notice.setdefault(attempt.notice_id, []).append(attempt)
    await session.commit()
    return [notice_out(n, by_notice.get(n.id, [])) for n in found]


@router.post(
    "/notices/{notice_id}/resend",
    response_model=NoticeOut,
    tags=["notices"],
    summary="Send a failed or blocked notice again (the firewall still applies)",
)
async def resend_notice(
    notice_id: UUID, request: Request, session: Session, actor: Supervisor
) -> NoticeOut:
    now = utc_now()
    try:
        notice = await resend.resend(
            session, notice_id, country=request.app.state.settings.country, now=now
        )
    except resend.NoticeNotFound as error:
        raise not_found(f"no notice {notice_id}") from error
    except resend.Refused as error:
        raise conflict(str(error)) from error
    audit.record(session, actor, "notice.resend", notice.case_id, now, notice=str(notice.id))
    await session.commit()
    request.app.state.delivery.wake()
    return notice_out(notice, [])


def notice_out(notice: Notice, attempts: list[NoticeAttempt]) -> NoticeOut:
    return NoticeOut(
        id=notice.id,
        case_id=notice.case_id,
        purpose=notice.purpose,
        recipient_kind=notice.recipient_kind,
        recipient_key=notice.recipient_key,
        channel=notice.channel,
        status=notice.status,
        attempts=[AttemptOut.model_validate(a) for a in attempts],
        next_attempt_at=notice.next_attempt_at,
        created_at=notice.created_at,
        delivered_at=notice.delivered_at,
        last_error=notice.last_error,
        message=notice.message,
    )


@router.get("/alerts", response_model=list[AlertOut], tags=["alerts"])
async def list_alerts(
    session: Session,
    actor: Reader,
    case_id: UUID | None = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> list[AlertOut]:
    found = await alerts.listing(session, case_id=case_id, open_only=open_only)
    now = utc_now()
    for case in {alert.case_id for alert in found}:
        audit.record(session, actor, "alert.read", case, now)
    await session.commit()
    return [AlertOut.model_validate(alert) for alert in found]
