"""HTTP routes of notification: the recipients directory (audited; consulates and authorities
through a second supervisor's approval), notices with their attempts, resends (which still
obey the firewall) and alerts."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import alerts, notices, recipient_changes, recipients, resend
from services.notification.models import Notice, NoticeAttempt, RecipientChange
from services.notification.schemas import (
    AlertOut,
    ApprovalIn,
    AttemptOut,
    NoticeOut,
    RecipientChangeOut,
    RecipientHistoryOut,
    RecipientIn,
    RecipientOut,
    RejectionIn,
)
from services.notification.webhook_addresses import WebhookAddresses
from shared.contracts.codes import CountryCode
from shared.contracts.notification import Channel
from shared.platform import audit
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, conflict, not_found, unprocessable, utc_now
from shared.platform.roles import Role

router = APIRouter()
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Reader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPI_OFFICER))]
Kind = Annotated[str, Path(pattern="^(consulates|authorities|shelters|supervisors)$")]


PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {
        "model": RecipientChangeOut,
        "description": "a consulate or an authority: the change is proposed, and takes effect "
        "once another supervisor approves it",
    },
    422: {"description": "invalid entry; a webhook must be https to a public host"},
}


async def _check_address(
    request: Request, recipient_in: RecipientIn, *, location: str = "body"
) -> None:
    """A webhook goes over https to a public host only (every address its name resolves to);
    a development instance is exempt."""
    if recipient_in.channel != Channel.WEBHOOK:
        return
    addresses: WebhookAddresses = request.app.state.webhook_addresses
    why = await addresses.refusal(recipient_in.address)
    if why:
        raise unprocessable(
            "address", f"a webhook must be https to a public host: {why}", location=location
        )


async def _put(
    request: Request,
    response: Response,
    session: AsyncSession,
    actor: Principal,
    kind: str,
    key: str,
    recipient_in: RecipientIn,
) -> RecipientOut | RecipientChangeOut:
    await _check_address(request, recipient_in)
    now = utc_now()
    if not recipients.needs_approval(kind):
        found = await recipients.set_at_once(session, actor, kind, key, recipient_in, now)
        await session.commit()
        return recipients.out(found)
    try:
        change = await recipient_changes.propose(session, actor, kind, key, recipient_in, now)
        await session.commit()
    except IntegrityError as error:  # another change of the entry was proposed meanwhile
        await session.rollback()
        message = f"another change of {kind}/{key} was proposed just now; try again"
        raise conflict(message) from error
    response.status_code = status.HTTP_202_ACCEPTED
    return await recipient_changes.out(session, change)


@router.put(
    "/recipients/consulates/{country}",
    response_model=RecipientOut | RecipientChangeOut,
    responses=PUT_RESPONSES,
    tags=["recipients"],
    summary="Propose how a country's consulate is reached (a second supervisor approves it)",
)
async def put_consulate(
    country: CountryCode,
    recipient_in: RecipientIn,
    request: Request,
    response: Response,
    session: Session,
    actor: Supervisor,
) -> RecipientOut | RecipientChangeOut:
    return await _put(request, response, session, actor, "consulates", country, recipient_in)


@router.put(
    "/recipients/{kind}/{key}",
    response_model=RecipientOut | RecipientChangeOut,
    responses=PUT_RESPONSES,
    tags=["recipients"],
    summary="Set a shelter (key: its id, or default) or the supervisors at once; propose an "
    "authority (a second supervisor approves it)",
)
async def put_recipient(
    kind: Kind,
    key: Annotated[str, Path(max_length=64)],
    recipient_in: RecipientIn,
    request: Request,
    response: Response,
    session: Session,
    actor: Supervisor,
) -> RecipientOut | RecipientChangeOut:
    return await _put(request, response, session, actor, kind, key, recipient_in)


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
    "/recipients/{kind}/{key}/history",
    response_model=list[RecipientHistoryOut],
    tags=["recipients"],
    summary="Every audited change of an entry: who, when, before and after (never a secret)",
)
async def recipient_history(
    kind: Kind, key: Annotated[str, Path(max_length=64)], session: Session, actor: Supervisor
) -> list[RecipientHistoryOut]:
    return await recipients.history(session, kind, key)


@router.get(
    "/recipient-changes",
    response_model=list[RecipientChangeOut],
    tags=["recipients"],
    summary="Proposed changes of consulates and authorities, newest first",
)
async def list_recipient_changes(
    session: Session,
    actor: Supervisor,
    status_: Annotated[recipient_changes.Status | None, Query(alias="status")] = None,
    kind: Kind | None = None,
) -> list[RecipientChangeOut]:
    found = await recipient_changes.listing(session, status_, kind)
    return [await recipient_changes.out(session, change) for change in found]


@router.get(
    "/recipient-changes/{change_id}", response_model=RecipientChangeOut, tags=["recipients"]
)
async def read_recipient_change(
    change_id: UUID, session: Session, actor: Supervisor
) -> RecipientChangeOut:
    change = await session.get(RecipientChange, change_id)
    if change is None:
        raise not_found(f"no recipient change {change_id}")
    return await recipient_changes.out(session, change)


def _refused(error: Exception) -> HTTPException:
    if isinstance(error, recipient_changes.ChangeNotFound):
        return not_found(str(error))
    if isinstance(error, recipient_changes.SameSupervisor):
        return HTTPException(status.HTTP_403_FORBIDDEN, str(error))
    return conflict(str(error))


DECISION_ERRORS = (
    recipient_changes.ChangeNotFound,
    recipient_changes.SameSupervisor,
    recipient_changes.AlreadyDecided,
)
DECISION_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "the proposer cannot decide on their own change"},
    404: {"description": "no such change"},
    409: {"description": "the change is already approved, rejected or superseded"},
}


@router.post(
    "/recipient-changes/{change_id}/approval",
    response_model=RecipientChangeOut,
    responses={
        **DECISION_RESPONSES,
        422: {"description": "the proposed webhook no longer reaches a public host"},
    },
    tags=["recipients"],
    summary="Approve a proposed change (a supervisor other than the proposer): it takes effect",
)
async def approve_recipient_change(
    change_id: UUID,
    request: Request,
    session: Session,
    actor: Supervisor,
    approval: ApprovalIn | None = None,
) -> RecipientChangeOut:
    try:
        change = await recipient_changes.pending(session, actor, change_id)
        # the name may point elsewhere since it was proposed
        await _check_address(request, recipient_changes.entry_of(change), location="proposed")
        change, _ = await recipient_changes.approve(
            session, actor, change_id, approval.reason if approval else None, utc_now()
        )
    except DECISION_ERRORS as error:
        raise _refused(error) from error
    await session.commit()
    return await recipient_changes.out(session, change)


@router.post(
    "/recipient-changes/{change_id}/rejection",
    response_model=RecipientChangeOut,
    responses=DECISION_RESPONSES,
    tags=["recipients"],
    summary="Reject a proposed change (a supervisor other than the proposer), saying why",
)
async def reject_recipient_change(
    change_id: UUID, rejection: RejectionIn, session: Session, actor: Supervisor
) -> RecipientChangeOut:
    try:
        change = await recipient_changes.reject(
            session, actor, change_id, rejection.reason, utc_now()
        )
    except DECISION_ERRORS as error:
        raise _refused(error) from error
    await session.commit()
    return await recipient_changes.out(session, change)


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
