"""The operational figures of national reporting: where children are now, what is open,
and how their stays ended. Case figures are over the cases of the scope; shelters are all
of the subdivision, since a shelter's occupancy is not a matter of registration dates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.models import CaseAlert, CaseFacts, PlacementFacts, ShelterFacts
from services.reporting.queries import Scope
from shared.contracts.notification import AlertKind
from shared.contracts.placement import ReleaseReason

OPEN_PLACEMENT = and_(PlacementFacts.assigned_at.is_not(None), PlacementFacts.released_at.is_(None))


async def placements(session: AsyncSession, scope: Scope) -> dict[str, int]:
    """Pending: waiting since after the last assignment (a case can wait again after a stay)."""
    waiting = and_(
        CaseFacts.pending_since.is_not(None),
        or_(
            CaseFacts.last_assigned_at.is_(None),
            CaseFacts.last_assigned_at < CaseFacts.pending_since,
        ),
    )
    pending = select(func.count()).select_from(CaseFacts).where(*scope.clauses(), waiting)
    in_shelter = scope.joined(
        select(func.count(distinct(PlacementFacts.case_id))), PlacementFacts.case_id
    ).where(OPEN_PLACEMENT)
    return {
        "pending": int(await session.scalar(pending) or 0),
        "in_shelter": int(await session.scalar(in_shelter) or 0),
    }


async def shelters(session: AsyncSession, scope: Scope) -> list[dict[str, Any]]:
    occupied = (
        select(PlacementFacts.shelter_id, func.count().label("occupied"))
        .where(OPEN_PLACEMENT)
        .group_by(PlacementFacts.shelter_id)
        .subquery()
    )
    statement = (
        select(ShelterFacts, func.coalesce(occupied.c.occupied, 0))
        .outerjoin(occupied, occupied.c.shelter_id == ShelterFacts.shelter_id)
        .order_by(ShelterFacts.admin1, ShelterFacts.name)
    )
    if scope.admin1 is not None:
        statement = statement.where(ShelterFacts.admin1 == scope.admin1)
    return [
        {
            "shelter_id": str(shelter.shelter_id),
            "name": shelter.name,
            "admin1": shelter.admin1,
            "occupied": count,
            "capacity": shelter.capacity,
        }
        for shelter, count in await session.execute(statement)
    ]


async def alerts(session: AsyncSession, scope: Scope) -> dict[str, Any]:
    statement = (
        scope.joined(select(CaseAlert.kind, func.count()), CaseAlert.case_id)
        .where(CaseAlert.raised_at.is_not(None), CaseAlert.closed_at.is_(None))
        .group_by(CaseAlert.kind)
    )
    by_kind = {kind.value: 0 for kind in AlertKind}
    by_kind.update({kind: count for kind, count in await session.execute(statement)})
    return {"open": sum(by_kind.values()), "by_kind": by_kind}


async def outcomes(session: AsyncSession, scope: Scope) -> dict[str, int]:
    """Children whose stay ended, by how (a transfer ends a stay, not the care)."""
    statement = (
        scope.joined(
            select(PlacementFacts.release_reason, func.count(distinct(PlacementFacts.case_id))),
            PlacementFacts.case_id,
        )
        .where(PlacementFacts.release_reason.is_not(None))
        .group_by(PlacementFacts.release_reason)
    )
    counts = {reason.value: 0 for reason in ReleaseReason}
    counts.update({reason: count for reason, count in await session.execute(statement)})
    return counts
