"""Every event the platform speaks: CloudEvent type, topic and payload schema, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel

from shared.contracts import topics
from shared.contracts.assisted_return import (
    CaseClosedV1,
    ChildHandedOverV1,
    ReturnScheduledV1,
    ReturnWithdrawnV1,
)
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.notification import (
    AlertClosedV1,
    AlertRaisedV1,
    AuthorityNotifiedV1,
    ConsularNotifiedV1,
)
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1

TYPE_PREFIX: Final = "org.rcm.opi"


@dataclass(frozen=True)
class EventContract:
    """A versioned event: a breaking change is a new contract with a new ``type``."""

    type: str
    topic: str
    payload: type[BaseModel]


CHILD_REGISTERED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.child-registered.v1", topics.CHILD_REGISTERED, ChildRegisteredV1
)
SCREENING_COMPLETED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.screening-completed.v1", topics.SCREENING_COMPLETED, ScreeningCompletedV1
)
SHELTER_ASSIGNED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.shelter-assigned.v1", topics.SHELTER_ASSIGNED, ShelterAssignedV1
)

PLACEMENT_PENDING_V1: Final = EventContract(
    f"{TYPE_PREFIX}.placement-pending.v1", topics.PLACEMENT_PENDING, PlacementPendingV1
)
PLACEMENT_RELEASED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.placement-released.v1", topics.PLACEMENT_RELEASED, PlacementReleasedV1
)
PROTECTION_REFERRAL_MADE_V1: Final = EventContract(
    f"{TYPE_PREFIX}.protection-referral-made.v1",
    topics.PROTECTION_REFERRAL_MADE,
    ProtectionReferralMadeV1,
)
PROTECTION_REFERRAL_UPDATED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.protection-referral-updated.v1",
    topics.PROTECTION_REFERRAL_UPDATED,
    ProtectionReferralUpdatedV1,
)
PROTECTION_NEED_CLEARED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.protection-need-cleared.v1",
    topics.PROTECTION_NEED_CLEARED,
    ProtectionNeedClearedV1,
)

CONSULAR_NOTIFIED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.consular-notified.v1", topics.CONSULAR_NOTIFIED, ConsularNotifiedV1
)
AUTHORITY_NOTIFIED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.authority-notified.v1", topics.AUTHORITY_NOTIFIED, AuthorityNotifiedV1
)
ALERT_RAISED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.alert-raised.v1", topics.ALERT_RAISED, AlertRaisedV1
)
ALERT_CLOSED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.alert-closed.v1", topics.ALERT_CLOSED, AlertClosedV1
)

RETURN_SCHEDULED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.return-scheduled.v1", topics.RETURN_SCHEDULED, ReturnScheduledV1
)
RETURN_WITHDRAWN_V1: Final = EventContract(
    f"{TYPE_PREFIX}.return-withdrawn.v1", topics.RETURN_WITHDRAWN, ReturnWithdrawnV1
)
CHILD_HANDED_OVER_V1: Final = EventContract(
    f"{TYPE_PREFIX}.child-handed-over.v1", topics.CHILD_HANDED_OVER, ChildHandedOverV1
)
CASE_CLOSED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.case-closed.v1", topics.CASE_CLOSED, CaseClosedV1
)

ALL_CONTRACTS: Final = (
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    PLACEMENT_PENDING_V1,
    PLACEMENT_RELEASED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    PROTECTION_NEED_CLEARED_V1,
    CONSULAR_NOTIFIED_V1,
    AUTHORITY_NOTIFIED_V1,
    ALERT_RAISED_V1,
    ALERT_CLOSED_V1,
    RETURN_SCHEDULED_V1,
    RETURN_WITHDRAWN_V1,
    CHILD_HANDED_OVER_V1,
    CASE_CLOSED_V1,
)
BY_TYPE: Final = {contract.type: contract for contract in ALL_CONTRACTS}
