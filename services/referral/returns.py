"""Assisted return: scheduled by a supervisor once the best-interests decision is made, then
the child handed over at the border to the country of origin's authority.

Non-refoulement: a child is never returned while a protection need is open, whichever way it
opened (a flag raised by any screening and not cleared by a supervisor, an asylum referral
still pending with the refugee commission, a presumed trafficking victim without the
prosecutor's clearance, a screening not applied yet). A need that
opens after the return was scheduled blocks that return, and the handover is refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral import cases, events, placements
from services.referral.models import AssistedReturn, ProtectionReferral, ReferralCase
from shared.contracts.placement import ReleaseReason
from shared.contracts.protection_need import PENDING_REFERRAL_STATUSES, screenings_missing
from shared.contracts.protection_referral import ReferralKind
from shared.platform import unresolved

SCHEDULED = "scheduled"
BLOCKED = "blocked"
HANDED_OVER = "handed_over"
# what counts as pending is the platform's one rule (shared/contracts/protection_need.py)
PENDING_STATUSES = PENDING_REFERRAL_STATUSES


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass


@dataclass(frozen=True)
class OpenReferral:
    kind: str
    authority: str
    status: str


def reasons_against_return(
    case: ReferralCase,
    open_referrals: Iterable[OpenReferral],
    country: str,
    unresolved_events: int = 0,
) -> list[str]:
    """Why the child may not be returned now, in words a supervisor understands; empty if
    nothing stands in the way."""
    if case.screening_sequence == 0:
        return [
            "The child has not been screened yet: a return cannot be scheduled before the "
            "screening interview has ruled out a need for protection."
        ]
    if country.upper() in {n.upper() for n in case.nationalities}:
        return [
            f"The child is a national of {country.upper()}: there is no country of origin to "
            "return them to; a returned national gets reception and family tracing instead."
        ]
    if not case.nationalities:
        return ["The child's nationality is unknown: there is no country to return them to."]
    reasons = []
    pending = list(open_referrals)
    if case.international_protection_need:
        reasons.append(
            "Non-refoulement: a screening found a possible need for international protection "
            "(asylum intent or fear of return); the child must not be returned while it is "
            "open, and only a supervisor's recorded decision closes it."
        )
    for referral in pending:
        if referral.kind == ReferralKind.REFUGEE_COMMISSION.value:
            reasons.append(
                f"Non-refoulement: the asylum referral to the refugee commission "
                f"({referral.authority}) is still pending ({referral.status}); the child must "
                "not be returned unless it is declined."
            )
    if case.trafficking_suspected:
        reasons.append(
            "The child is a presumed victim of trafficking: a return needs the prosecutor's "
            "clearance and a supervisor's recorded decision closing the flag."
        )
    for referral in pending:
        if referral.kind == ReferralKind.PROSECUTOR.value:
            reasons.append(
                f"The trafficking referral to the prosecutor ({referral.authority}) is still "
                f"open ({referral.status}): a return needs the prosecutor's clearance first."
            )
    if unresolved_events:
        reasons.append(
            f"Non-refoulement: {unresolved_events} event(s) of this child that could open a "
            "protection need have not been applied yet (not arrived, or dead-lettered)."
        )
    return reasons


async def _open_referrals(session: AsyncSession, case_id: UUID) -> list[OpenReferral]:
    rows = await session.scalars(
        select(ProtectionReferral)
        .where(
            ProtectionReferral.case_id == case_id,
            ProtectionReferral.status.in_(PENDING_STATUSES),
        )
        .order_by(ProtectionReferral.made_at)
    )
    return [OpenReferral(r.kind, r.authority, r.status) for r in rows]


async def reasons_for(session: AsyncSession, case: ReferralCase, country: str) -> list[str]:
    missing = screenings_missing(case.screening_sequence, case.screenings_applied)
    held = missing + await unresolved.count_for(session, case.case_id)
    return reasons_against_return(
        case, await _open_referrals(session, case.case_id), country, unresolved_events=held
    )


async def current(session: AsyncSession, case_id: UUID) -> AssistedReturn | None:
    """The case's return: the live one (scheduled or handed over), else the latest blocked."""
    found = list(
        await session.scalars(
            select(AssistedReturn)
            .where(AssistedReturn.case_id == case_id)
            .order_by(AssistedReturn.scheduled_at.desc())
        )
    )
    live = [r for r in found if r.status != BLOCKED]
    return live[0] if live else (found[0] if found else None)


async def _locked_case(session: AsyncSession, case_id: UUID) -> ReferralCase:
    case = await cases.locked_case(session, case_id)
    if case is None:
        raise NotFound(f"no case {case_id} known to referral")
    return case


async def schedule(
    session: AsyncSession,
    case_id: UUID,
    *,
    scheduled_for: datetime,
    handover_place: str,
    escorting_officer: str,
    by: str,
    country: str,
    now: datetime,
) -> AssistedReturn:
    case = await _locked_case(session, case_id)
    existing = await current(session, case_id)
    if existing is not None and existing.status == SCHEDULED:
        raise Conflict(
            f"A return of this child is already scheduled for "
            f"{existing.scheduled_for.isoformat()} at {existing.handover_place}."
        )
    if existing is not None and existing.status == HANDED_OVER:
        assert existing.handed_over_at is not None
        raise Conflict(
            f"The child was already handed over on {existing.handed_over_at.isoformat()}."
        )
    reasons = await reasons_for(session, case, country)
    if reasons:
        raise Conflict(" ".join(reasons))
    assisted = AssistedReturn(
        id=uuid4(),
        case_id=case_id,
        destination_country=case.nationalities[0].upper(),
        scheduled_for=scheduled_for,
        handover_place=handover_place,
        escorting_officer=escorting_officer,
        scheduled_by=by,
        scheduled_at=now,
        status=SCHEDULED,
    )
    session.add(assisted)
    await session.flush()
    events.return_scheduled(session, country, assisted)
    return assisted


def _block(
    session: AsyncSession, assisted: AssistedReturn, reasons: list[str], country: str, now: datetime
) -> None:
    """The return may no longer go ahead: blocked, and withdrawn, so that intake withdraws a
    handover it already sent (the reasons stay here: the country of origin never hears them)."""
    assisted.status = BLOCKED
    assisted.blocked_reason = " ".join(reasons)[:500]
    assisted.blocked_at = now
    events.return_withdrawn(session, country, assisted)


async def block_if_unsafe(
    session: AsyncSession, case: ReferralCase, *, country: str, now: datetime
) -> AssistedReturn | None:
    """After anything that may open a protection need (a newer screening, a referral's
    answer): a scheduled return that may no longer go ahead is blocked. Returns it if so."""
    assisted = await current(session, case.case_id)
    if assisted is None or assisted.status != SCHEDULED:
        return None
    reasons = await reasons_for(session, case, country)
    if not reasons:
        return None
    _block(session, assisted, reasons, country, now)
    await session.flush()
    return assisted


@dataclass(frozen=True)
class Handover:
    assisted: AssistedReturn | None
    refusal: str | None  # set when the handover is refused and the return was just blocked


async def hand_over(
    session: AsyncSession,
    case_id: UUID,
    *,
    handed_over_at: datetime,
    received_by: str,
    by: str,
    country: str,
    now: datetime,
) -> Handover:
    """Record the handover, or block the return if a protection need opened meanwhile (the
    caller commits the block and refuses). Raises Conflict for anything else in the way."""
    case = await _locked_case(session, case_id)
    assisted = await current(session, case_id)
    if assisted is None:
        raise Conflict("No return of this child is scheduled: schedule one before the handover.")
    if assisted.status == HANDED_OVER:
        assert assisted.handed_over_at is not None
        raise Conflict(
            f"The child was already handed over on {assisted.handed_over_at.isoformat()} "
            f"to {assisted.received_by}."
        )
    if assisted.status == BLOCKED:
        raise Conflict(f"The scheduled return was blocked: {assisted.blocked_reason}")
    reasons = await reasons_for(session, case, country)
    if reasons:
        _block(session, assisted, reasons, country, now)
        await session.flush()
        return Handover(assisted, "The scheduled return is blocked: " + " ".join(reasons))
    assisted.status = HANDED_OVER
    assisted.handed_over_at = handed_over_at
    assisted.received_by = received_by
    assisted.handed_over_by = by
    await session.flush()
    events.child_handed_over(session, country, assisted)
    active = await placements.active_placement(session, case_id)
    if active is not None:
        released = await placements.release(
            session, active.id, ReleaseReason.RETURNED.value, by, country=country, now=now
        )
        assisted.released_placement_id = released.id
    else:  # still waiting for a place: stop waiting, the child has left
        case.closed = True
        case.pending_since = None
        case.pending_reason = None
    await session.flush()
    return Handover(assisted, None)
