"""How each national event changes the facts of its case: pure functions on the rows.

Each merge is commutative with every other merge, so any order of arrival gives the same
row: first times keep the minimum, the latest screening is the one with the highest
sequence, a registration's copy of the child's facts wins over the copies other events
carry, and derived durations are recomputed from the stored times after every merge.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from services.reporting.models import (
    CaseAlert,
    CaseFacts,
    CaseReferral,
    PlacementFacts,
    ShelterFacts,
)
from shared.contracts.child import ChildIdentity, DetectionPlace
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.enums import Accompaniment
from shared.contracts.notification import (
    AlertClosedV1,
    AlertRaisedV1,
    ConsularNotifiedV1,
    DeliveryOutcome,
)
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1


def new_case(case_id: UUID) -> CaseFacts:
    return CaseFacts(
        case_id=case_id,
        registered=False,
        screening_sequence=0,
        international_protection_need=False,
        trafficking_suspected=False,
    )


def _earliest(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate < current else current


def _latest(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _set_registration_time(row: CaseFacts, registered_at: datetime) -> None:
    row.registered_at = registered_at
    day = registered_at.date()
    row.registered_day = day
    row.registered_week = week_of(day)
    row.registered_month = day.replace(day=1)


def _set_child(
    row: CaseFacts,
    child: ChildIdentity,
    accompaniment: Accompaniment,
    place: DetectionPlace,
    returned_national: bool,
) -> None:
    row.nationality = child.nationalities[0]
    row.sex = child.sex.value
    row.age_group = child.age_group.value
    row.accompaniment = accompaniment.value
    row.admin1 = place.admin1
    row.returned_national = returned_national


def derive(row: CaseFacts) -> None:
    """Durations from registration, recomputed whenever one of their ends changes."""
    start = row.registered_at
    row.screening_delay_seconds = (
        (row.first_screened_at - start).total_seconds()
        if start is not None and row.first_screened_at is not None
        else None
    )
    row.consular_delay_seconds = (
        (row.consular_notified_at - start).total_seconds()
        if start is not None and row.consular_notified_at is not None
        else None
    )


def on_registered(row: CaseFacts, event: ChildRegisteredV1, child_key: str) -> None:
    row.registered = True
    row.child_key = child_key
    _set_registration_time(row, event.registered_at)
    _set_child(
        row, event.child, event.accompaniment, event.detection_place, event.returned_national
    )
    derive(row)


def on_screened(row: CaseFacts, event: ScreeningCompletedV1, child_key: str) -> None:
    if not row.registered:
        # the registration has not arrived yet: its copy here is as good as any until it does
        row.child_key = child_key
        _set_registration_time(row, event.registered_at)
        _set_child(
            row, event.child, event.accompaniment, event.detection_place, event.returned_national
        )
    row.first_screened_at = _earliest(row.first_screened_at, event.screened_at)
    if event.sequence > (row.screening_sequence or 0):
        row.screening_sequence = event.sequence
        row.international_protection_need = event.international_protection_need
        row.trafficking_suspected = event.trafficking_suspected
    derive(row)


def on_consular_notified(row: CaseFacts, event: ConsularNotifiedV1) -> None:
    if event.outcome is DeliveryOutcome.DELIVERED:
        row.consular_notified_at = _earliest(row.consular_notified_at, event.sent_at)
    derive(row)


def on_pending(row: CaseFacts, event: PlacementPendingV1) -> None:
    row.pending_since = _latest(row.pending_since, event.pending_since)


def on_assigned(
    row: CaseFacts, placement: PlacementFacts, shelter: ShelterFacts, event: ShelterAssignedV1
) -> None:
    row.last_assigned_at = _latest(row.last_assigned_at, event.assigned_at)
    placement.assigned_at = event.assigned_at
    placement.shelter_id = event.shelter_id
    placement.case_id = event.case_id
    if shelter.reported_at is None or event.assigned_at >= shelter.reported_at:
        shelter.name = event.shelter_name
        shelter.admin1 = event.admin1
        shelter.authority = event.authority
        shelter.reported_at = event.assigned_at
        if event.shelter_capacity is not None:
            shelter.capacity = event.shelter_capacity


def on_released(placement: PlacementFacts, event: PlacementReleasedV1) -> None:
    placement.case_id = event.case_id
    placement.shelter_id = event.shelter_id
    placement.released_at = event.released_at
    placement.release_reason = event.reason.value


def on_referral_made(referral: CaseReferral, event: ProtectionReferralMadeV1) -> None:
    referral.case_id = event.case_id
    referral.kind = event.kind.value
    referral.authority = event.authority
    if referral.status_at is None or event.made_at > referral.status_at:
        referral.status = event.status.value
        referral.status_at = event.made_at


def on_referral_updated(referral: CaseReferral, event: ProtectionReferralUpdatedV1) -> None:
    referral.case_id = event.case_id
    referral.kind = event.kind.value
    referral.authority = event.authority
    if referral.status_at is None or event.updated_at >= referral.status_at:
        referral.status = event.status.value
        referral.status_at = event.updated_at


def on_alert_raised(alert: CaseAlert, event: AlertRaisedV1) -> None:
    alert.case_id = event.case_id
    alert.kind = event.kind.value
    alert.raised_at = event.raised_at


def on_alert_closed(alert: CaseAlert, event: AlertClosedV1) -> None:
    alert.case_id = event.case_id
    alert.kind = event.kind.value
    alert.closed_at = event.closed_at
