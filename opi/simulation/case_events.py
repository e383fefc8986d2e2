"""The payloads a synthetic case's events carry, built from the real contract models (so an
invalid value fails here, at generation, not in a consumer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from opi.simulation.identities import Identity
from opi.simulation.population import Arrival
from opi.simulation.profile import CountryProfile, ShelterSpec
from opi.simulation.screening import ScreeningOutcome
from shared.contracts import catalogue as c
from shared.contracts.catalogue import EventContract
from shared.contracts.child import ChildIdentity, DetectionPlace, FamilyContact, IdentityDocument
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1, ReleaseReason
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1

# Which service emits which event: the CloudEvents source of each.
SERVICE_OF = {
    c.CHILD_REGISTERED_V1.type: "intake",
    c.SCREENING_COMPLETED_V1.type: "intake",
    c.SHELTER_ASSIGNED_V1.type: "referral",
    c.PLACEMENT_PENDING_V1.type: "referral",
    c.PLACEMENT_RELEASED_V1.type: "referral",
    c.PROTECTION_REFERRAL_MADE_V1.type: "referral",
    c.PROTECTION_REFERRAL_UPDATED_V1.type: "referral",
    c.CONSULAR_NOTIFIED_V1.type: "notification",
    c.AUTHORITY_NOTIFIED_V1.type: "notification",
    c.ALERT_RAISED_V1.type: "notification",
    c.ALERT_CLOSED_V1.type: "notification",
}


@dataclass(frozen=True)
class Emission:
    """One event a service would emit: rendered as a CloudEvent by stream.py."""

    at: datetime
    contract: EventContract
    payload: BaseModel


@dataclass(frozen=True)
class CaseContext:
    case_id: UUID
    profile: CountryProfile
    arrival: Arrival
    identity: Identity
    detected_at: datetime
    registered_at: datetime

    @property
    def country(self) -> str:
        return self.profile.country


def child_identity(ctx: CaseContext) -> ChildIdentity:
    identity, arrival = ctx.identity, ctx.arrival
    return ChildIdentity(
        given_names=identity.given_names,
        family_names=identity.family_names,
        sex=arrival.sex,
        date_of_birth=identity.date_of_birth,
        date_of_birth_estimated=identity.date_of_birth_estimated,
        age_years=identity.age_years,
        age_group=arrival.age_group,
        nationalities=[arrival.nationality],
        languages=list(identity.languages),
        documents=[
            IdentityDocument(type=d.type, number=d.number, issuing_country=d.issuing_country)
            for d in identity.documents
        ],
    )


def detection_place(ctx: CaseContext) -> DetectionPlace:
    point = ctx.arrival.point
    return DetectionPlace(
        admin1=point.admin1, point=point.point, latitude=point.latitude, longitude=point.longitude
    )


def child_registered(ctx: CaseContext) -> Emission:
    payload = ChildRegisteredV1(
        case_id=ctx.case_id,
        country=ctx.country,
        registered_at=ctx.registered_at,
        detected_at=ctx.detected_at,
        child=child_identity(ctx),
        accompaniment=ctx.arrival.accompaniment,
        detection_place=detection_place(ctx),
        family_contacts=[
            FamilyContact(
                name=f.name, relationship=f.relationship, phone=f.phone, country=f.country
            )
            for f in ctx.identity.contacts
        ],
        returned_national=ctx.arrival.returned_national,
    )
    return Emission(ctx.registered_at, c.CHILD_REGISTERED_V1, payload)


def screening_completed(
    ctx: CaseContext, screening_id: UUID, sequence: int, outcome: ScreeningOutcome, at: datetime
) -> Emission:
    payload = ScreeningCompletedV1(
        case_id=ctx.case_id,
        screening_id=screening_id,
        country=ctx.country,
        sequence=sequence,
        rescreening=sequence > 1,
        screened_at=at,
        registered_at=ctx.registered_at,
        international_protection_need=outcome.international_protection_need,
        trafficking_suspected=outcome.trafficking_suspected,
        protection_flags=outcome.protection_flags,
        risk_level=outcome.risk_level,
        trafficking_indicators=list(outcome.trafficking_indicators),
        violence_indicators=list(outcome.violence_indicators),
        health_needs=list(outcome.health_needs),
        child=child_identity(ctx),
        accompaniment=ctx.arrival.accompaniment,
        detection_place=detection_place(ctx),
        returned_national=ctx.arrival.returned_national,
    )
    return Emission(at, c.SCREENING_COMPLETED_V1, payload)


def shelter_assigned(
    ctx: CaseContext,
    placement_id: UUID,
    shelter: ShelterSpec,
    at: datetime,
    previous: ShelterSpec | None,
) -> Emission:
    arrival = ctx.arrival
    if shelter.specialised:
        reason = "presumed trafficking victim: specialised shelter"
    else:
        reason = f"nearest shelter with a free place that accepts {arrival.sex} {arrival.age_group}"
    payload = ShelterAssignedV1(
        case_id=ctx.case_id,
        placement_id=placement_id,
        country=ctx.country,
        shelter_id=shelter.shelter_id,
        shelter_name=shelter.name,
        authority=shelter.authority,
        admin1=shelter.admin1,
        reason=reason if previous is None else f"transfer: {reason}",
        assigned_at=at,
        specialised=shelter.specialised,
        previous_shelter_id=previous.shelter_id if previous else None,
    )
    return Emission(at, c.SHELTER_ASSIGNED_V1, payload)


def placement_pending(ctx: CaseContext, at: datetime) -> Emission:
    arrival = ctx.arrival
    payload = PlacementPendingV1(
        case_id=ctx.case_id,
        country=ctx.country,
        age_group=arrival.age_group,
        sex=arrival.sex,
        admin1=arrival.point.admin1,
        needs_specialised_shelter=False,
        reason=f"no shelter near {arrival.point.admin1} has a free place for "
        f"{arrival.sex} {arrival.age_group}",
        pending_since=at,
    )
    return Emission(at, c.PLACEMENT_PENDING_V1, payload)


def placement_released(
    ctx: CaseContext, placement_id: UUID, shelter: ShelterSpec, reason: ReleaseReason, at: datetime
) -> Emission:
    payload = PlacementReleasedV1(
        case_id=ctx.case_id,
        placement_id=placement_id,
        country=ctx.country,
        shelter_id=shelter.shelter_id,
        reason=reason,
        released_at=at,
    )
    return Emission(at, c.PLACEMENT_RELEASED_V1, payload)
