"""A supervisor clears a protection flag: a recorded decision with its reason, allowed only
once the referral the flag led to was declined or concluded. It covers the screenings up to
the latest one; a later screening raising the flag again opens the need again."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import events, need, service
from services.intake.models import NeedClearance
from services.intake.schemas import ClearanceIn
from shared.platform import audit
from shared.platform.auth import Principal


class ClearanceRefused(ValueError):
    """The flags may not be cleared now; the message says why, for the supervisor."""


async def clear_flags(
    session: AsyncSession,
    case_id: UUID,
    decision: ClearanceIn,
    actor: Principal,
    *,
    now: datetime,
) -> tuple[NeedClearance, list[str]]:
    """Record the decision and stage ``protection-need-cleared``; returns it with the
    reasons the need is still open (a pending referral, the other flag...)."""
    case = await service.locked_case(session, case_id)
    kinds = list(dict.fromkeys(decision.cleared))
    if not case.screenings:
        raise ClearanceRefused("the case has not been screened")
    if refusals := await need.clearance_refusals(session, case, kinds):
        raise ClearanceRefused("; ".join(refusals))
    clearance = NeedClearance(
        id=uuid4(),
        case_id=case.id,
        cleared=[kind.value for kind in kinds],
        through_sequence=case.screenings[-1].sequence,
        reason=decision.reason,
        decided_by=actor.subject,
        decided_by_name=actor.username,
        decided_at=now,
    )
    case.clearances.append(clearance)
    await session.flush()
    events.stage_protection_need_cleared(session, case, clearance)
    audit.record(
        session,
        actor,
        "case.protection_need.clear",
        case.id,
        now,
        cleared=clearance.cleared,
        through_sequence=clearance.through_sequence,
    )
    return clearance, await need.reasons(session, case)
