"""The plain ground truth of each synthetic case, to check what the services and reports
computed from the event stream against what really happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.contracts.enums import Accompaniment, AgeGroup, Sex
from shared.contracts.notification import AlertKind, DeliveryOutcome
from shared.contracts.placement import ReleaseReason
from shared.contracts.protection_referral import ReferralKind, ReferralStatus


@dataclass(frozen=True)
class ScreeningTruth:
    sequence: int
    screened_at: datetime
    international_protection_need: bool
    trafficking_suspected: bool


@dataclass(frozen=True)
class PlacementTruth:
    placement_id: UUID
    shelter_id: UUID
    shelter_name: str
    admin1: str
    assigned_at: datetime
    released_at: datetime | None
    release_reason: ReleaseReason | None


@dataclass(frozen=True)
class ReferralTruth:
    referral_id: UUID
    kind: ReferralKind
    authority: str
    status: ReferralStatus  # the final one


@dataclass(frozen=True)
class ConsularTruth:
    sent_at: datetime
    outcome: DeliveryOutcome


@dataclass(frozen=True)
class AlertTruth:
    alert_id: UUID
    kind: AlertKind
    raised_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class ContactTruth:
    name: str
    relationship: str
    phone: str


@dataclass(frozen=True)
class CaseTruth:
    case_id: UUID
    country: str
    registered_at: datetime
    nationality: str  # the first nationality
    sex: Sex
    age_group: AgeGroup
    accompaniment: Accompaniment
    admin1: str  # where the child was detected
    returned_national: bool
    given_names: str
    family_names: str
    date_of_birth: date | None
    family_contacts: tuple[ContactTruth, ...]
    screenings: tuple[ScreeningTruth, ...]
    placements: tuple[PlacementTruth, ...]
    pending_since: datetime | None
    referrals: tuple[ReferralTruth, ...]
    consular: tuple[ConsularTruth, ...]
    alerts: tuple[AlertTruth, ...]

    @property
    def screened_within_24h(self) -> bool:
        first = self.screenings[0].screened_at if self.screenings else None
        return first is not None and (first - self.registered_at).total_seconds() <= 24 * 3600

    @property
    def protection_flag(self) -> bool:
        return any(
            s.international_protection_need or s.trafficking_suspected for s in self.screenings
        )
