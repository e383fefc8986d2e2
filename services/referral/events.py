"""The events referral emits, staged in its outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.referral.models import (
    AssistedReturn,
    Placement,
    ProtectionReferral,
    ReferralCase,
    Shelter,
)
from shared.contracts import catalogue
from shared.contracts.assisted_return import ChildHandedOverV1, ReturnScheduledV1, ReturnWithdrawnV1
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform import outbox

SERVICE = "referral"


def _stage(
    session: AsyncSession, contract: Any, payload: Any, country: str, case_id: Any, at: datetime
) -> None:
    outbox.stage(
        session, contract, payload, country=country, service=SERVICE, case_id=case_id, at=at
    )


def shelter_assigned(
    session: AsyncSession,
    country: str,
    placement: Placement,
    shelter: Shelter,
    previous_shelter_id: object | None,
) -> None:
    payload = ShelterAssignedV1(
        case_id=placement.case_id,
        placement_id=placement.id,
        country=country,
        shelter_id=shelter.id,
        shelter_name=shelter.name,
        authority=shelter.authority,
        admin1=shelter.admin1,
        reason=placement.reason,
        assigned_at=placement.placed_at,
        specialised=shelter.trafficking_specialised,
        manual=placement.manual,
        previous_shelter_id=previous_shelter_id,
        shelter_capacity=shelter.capacity,
    )
    _stage(
        session,
        catalogue.SHELTER_ASSIGNED_V1,
        payload,
        country,
        placement.case_id,
        placement.placed_at,
    )


def placement_pending(session: AsyncSession, country: str, case: ReferralCase) -> None:
    assert case.pending_since is not None and case.pending_reason is not None
    payload = PlacementPendingV1(
        case_id=case.case_id,
        country=country,
        age_group=case.age_group,
        sex=case.sex,
        admin1=case.admin1,
        needs_specialised_shelter=case.trafficking_suspected,
        reason=case.pending_reason,
        pending_since=case.pending_since,
    )
    _stage(
        session, catalogue.PLACEMENT_PENDING_V1, payload, country, case.case_id, case.pending_since
    )


def placement_released(session: AsyncSession, country: str, placement: Placement) -> None:
    assert placement.released_at is not None
    payload = PlacementReleasedV1(
        case_id=placement.case_id,
        placement_id=placement.id,
        country=country,
        shelter_id=placement.shelter_id,
        reason=placement.release_reason,
        released_at=placement.released_at,
    )
    _stage(
        session,
        catalogue.PLACEMENT_RELEASED_V1,
        payload,
        country,
        placement.case_id,
        placement.released_at,
    )


def referral_made(session: AsyncSession, country: str, referral: ProtectionReferral) -> None:
    payload = ProtectionReferralMadeV1(
        referral_id=referral.id,
        case_id=referral.case_id,
        country=country,
        kind=referral.kind,
        authority=referral.authority,
        authority_name=referral.authority_name,
        status=referral.status,
        screening_id=referral.screening_id,
        made_at=referral.made_at,
    )
    _stage(
        session,
        catalogue.PROTECTION_REFERRAL_MADE_V1,
        payload,
        country,
        referral.case_id,
        referral.made_at,
    )


def referral_updated(session: AsyncSession, country: str, referral: ProtectionReferral) -> None:
    payload = ProtectionReferralUpdatedV1(
        referral_id=referral.id,
        case_id=referral.case_id,
        country=country,
        kind=referral.kind,
        authority=referral.authority,
        status=referral.status,
        note=referral.note,
        updated_at=referral.updated_at,
    )
    _stage(
        session,
        catalogue.PROTECTION_REFERRAL_UPDATED_V1,
        payload,
        country,
        referral.case_id,
        referral.updated_at,
    )


def return_scheduled(session: AsyncSession, country: str, assisted: AssistedReturn) -> None:
    payload = ReturnScheduledV1(
        case_id=assisted.case_id,
        return_id=assisted.id,
        country=country,
        destination_country=assisted.destination_country,
        scheduled_for=assisted.scheduled_for,
        handover_place=assisted.handover_place,
        escorting_officer=assisted.escorting_officer,
        scheduled_at=assisted.scheduled_at,
    )
    _stage(
        session,
        catalogue.RETURN_SCHEDULED_V1,
        payload,
        country,
        assisted.case_id,
        assisted.scheduled_at,
    )


def return_withdrawn(session: AsyncSession, country: str, assisted: AssistedReturn) -> None:
    assert assisted.blocked_at is not None
    payload = ReturnWithdrawnV1(
        case_id=assisted.case_id,
        return_id=assisted.id,
        country=country,
        withdrawn_at=assisted.blocked_at,
    )
    _stage(
        session,
        catalogue.RETURN_WITHDRAWN_V1,
        payload,
        country,
        assisted.case_id,
        assisted.blocked_at,
    )


def child_handed_over(session: AsyncSession, country: str, assisted: AssistedReturn) -> None:
    assert assisted.handed_over_at is not None and assisted.received_by is not None
    payload = ChildHandedOverV1(
        case_id=assisted.case_id,
        return_id=assisted.id,
        country=country,
        destination_country=assisted.destination_country,
        handed_over_at=assisted.handed_over_at,
        handover_place=assisted.handover_place,
        received_by=assisted.received_by,
    )
    _stage(
        session,
        catalogue.CHILD_HANDED_OVER_V1,
        payload,
        country,
        assisted.case_id,
        assisted.handed_over_at,
    )
