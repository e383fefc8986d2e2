"""The use cases of intake. They take a session and domain values, never a Request or a
message, and leave committing to the caller (one transaction per use case)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import events, rules
from services.intake.models import Case, CaseNationality, IdempotencyKey, Screening
from services.intake.schemas import RegistrationIn, ScreeningIn
from shared.contracts.enums import CaseStatus
from shared.contracts.placement import PlacementReleasedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform import audit
from shared.platform.auth import Principal


class CaseNotFound(LookupError):
    pass


class InvalidRequest(ValueError):
    """A request that is well-formed but breaks a rule of this instance; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    nationality: str | None = None
    accompaniment: str | None = None
    registered_from: datetime | None = None
    registered_before: datetime | None = None


def request_fingerprint(registration: RegistrationIn) -> str:
    canonical = json.dumps(registration.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def find_replay(
    session: AsyncSession,
    actor: Principal,
    key: str,
    registration: RegistrationIn,
    *,
    now: datetime,
) -> Case | None:
    """The case an earlier request with this Idempotency-Key created, if any."""
    previous = await session.get(IdempotencyKey, (actor.subject, key))
    if previous is None:
        return None
    if previous.request_hash != request_fingerprint(registration):
        raise InvalidRequest("Idempotency-Key", "this key was already used with another body")
    return await get_case(
        session, previous.case_id, actor, now=now, audit_as="case.register.replay"
    )


async def register_case(
    session: AsyncSession,
    registration: RegistrationIn,
    actor: Principal,
    *,
    country: str,
    now: datetime,
    idempotency_key: str | None = None,
) -> Case:
    _check_rules_of_instance(registration, country)
    case = _new_case(registration, actor, country=country, now=now)
    session.add(case)
    if idempotency_key is not None:
        # flushed first so that a concurrent retry with the same key fails fast on the key
        session.add(
            IdempotencyKey(
                caller=actor.subject,
                key=idempotency_key,
                request_hash=request_fingerprint(registration),
                case_id=case.id,
                created_at=now,
            )
        )
    await session.flush()
    events.stage_child_registered(session, case)
    audit.record(session, actor, "case.register", case.id, now)
    return case


def _check_rules_of_instance(registration: RegistrationIn, country: str) -> None:
    if not registration.detection_place.admin1.startswith(f"{country}-"):
        raise InvalidRequest("detection_place.admin1", f"must be a subdivision of {country}")
    birth = registration.child.date_of_birth
    # the local date of detection: a child detected at 23:30 on the eve of their 18th birthday
    # is still a child
    problem = birth and rules.date_of_birth_problem(birth, registration.detected_at.date())
    if problem:
        raise InvalidRequest("child.date_of_birth", problem)


def _new_case(
    registration: RegistrationIn, actor: Principal, *, country: str, now: datetime
) -> Case:
    child = registration.child
    detected_on = registration.detected_at.date()
    if child.date_of_birth is not None:
        age = rules.age_in_years(child.date_of_birth, detected_on)
    else:
        age = child.estimated_age_years or 0
    place = registration.detection_place
    return Case(
        id=uuid4(),
        country=country,
        status=CaseStatus.REGISTERED,
        registered_at=now,
        registered_by=actor.subject,
        detected_at=registration.detected_at,
        given_names=child.given_names,
        family_names=child.family_names,
        name_since_separation=child.name_since_separation,
        sex=child.sex,
        date_of_birth=child.date_of_birth,
        date_of_birth_estimated=child.date_of_birth_estimated or child.date_of_birth is None,
        age_years=age,
        age_group=rules.age_group(age),
        languages=child.languages,
        documents=[document.model_dump(mode="json") for document in child.documents],
        accompaniment=registration.accompaniment,
        detection_admin1=place.admin1,
        detection_point=place.point,
        detection_latitude=place.latitude,
        detection_longitude=place.longitude,
        family_contacts=[c.model_dump(mode="json") for c in registration.family_contacts],
        sibling_case_ids=[str(sibling) for sibling in registration.sibling_case_ids],
        returned_from=registration.returned_from,
        returned_national=rules.is_returned_national(country, child.nationalities),
        nationalities=[
            CaseNationality(country=code, position=index)
            for index, code in enumerate(dict.fromkeys(child.nationalities))
        ],
        screenings=[],
        handovers=[],
        clearances=[],
    )


async def record_screening(
    session: AsyncSession,
    case_id: UUID,
    screening_in: ScreeningIn,
    actor: Principal,
    *,
    now: datetime,
) -> tuple[Case, Screening]:
    case = await locked_case(session, case_id)
    flags = rules.protection_flags(
        asylum_intent=screening_in.asylum_intent,
        fear_of_return=screening_in.fear_of_return,
        trafficking_indicators=screening_in.trafficking_indicators,
        violence_indicators=screening_in.violence_indicators,
        health_needs=screening_in.health_needs,
        pregnant=screening_in.pregnant,
    )
    screening = Screening(
        id=uuid4(),
        case_id=case.id,
        sequence=len(case.screenings) + 1,
        screened_at=now,
        screened_by=actor.subject,
        **screening_in.model_dump(mode="json"),
        international_protection_need=rules.international_protection_need(
            asylum_intent=screening_in.asylum_intent, fear_of_return=screening_in.fear_of_return
        ),
        trafficking_suspected=rules.trafficking_suspected(screening_in.trafficking_indicators),
        protection_flags=[str(flag) for flag in flags],
    )
    case.screenings.append(screening)
    if case.status == CaseStatus.REGISTERED:
        case.status = CaseStatus.SCREENED
    await session.flush()
    events.stage_screening_completed(session, case, screening)
    action = "case.rescreen" if screening.sequence > 1 else "case.screen"
    audit.record(session, actor, action, case.id, now, sequence=screening.sequence)
    return case, screening


async def locked_case(session: AsyncSession, case_id: UUID) -> Case:
    # the row lock serialises concurrent screenings of one case on PostgreSQL
    query = select(Case).where(Case.id == case_id).with_for_update()
    case = await session.scalar(query)
    if case is None:
        raise CaseNotFound(case_id)
    return case


async def get_case(
    session: AsyncSession,
    case_id: UUID,
    actor: Principal,
    *,
    now: datetime,
    audit_as: str = "case.read",
) -> Case:
    case = await session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    audit.record(session, actor, audit_as, case.id, now)
    return case


async def list_cases(
    session: AsyncSession,
    case_filter: CaseFilter,
    actor: Principal,
    *,
    limit: int,
    offset: int,
    now: datetime,
) -> tuple[list[Case], int]:
    query = select(Case)
    if case_filter.status:
        query = query.where(Case.status == case_filter.status)
    if case_filter.accompaniment:
        query = query.where(Case.accompaniment == case_filter.accompaniment)
    if case_filter.nationality:
        query = query.where(
            Case.nationalities.any(CaseNationality.country == case_filter.nationality)
        )
    if case_filter.registered_from:
        query = query.where(Case.registered_at >= case_filter.registered_from)
    if case_filter.registered_before:
        query = query.where(Case.registered_at < case_filter.registered_before)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Case.registered_at.desc(), Case.id).limit(limit).offset(offset)
    cases = list((await session.scalars(page)).all())
    for case in cases:
        audit.record(session, actor, "case.list", case.id, now)
    return cases, total


async def apply_shelter_assignment(session: AsyncSession, event: ShelterAssignedV1) -> bool:
    """Keep the OPI's view of where the child is; the newest assignment wins whatever the
    order of delivery. Returns False for a case this instance does not know."""
    case = await _locked_case_or_none(session, event.case_id)
    if case is None:
        return False
    if case.placed_at is None or event.assigned_at >= case.placed_at:
        case.shelter_id = event.shelter_id
        case.shelter_name = event.shelter_name
        case.placed_at = event.assigned_at
    return True


async def apply_placement_release(session: AsyncSession, event: PlacementReleasedV1) -> bool:
    """The child left the shelter. A transfer's new assignment may arrive before or after
    the release of the old place, so only a release of the current shelter clears it."""
    case = await _locked_case_or_none(session, event.case_id)
    if case is None:
        return False
    current = case.shelter_id == event.shelter_id and case.placed_at is not None
    if current and case.placed_at <= event.released_at:
        case.shelter_id = None
        case.shelter_name = None
        case.placed_at = event.released_at
    return True


async def _locked_case_or_none(session: AsyncSession, case_id: UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
