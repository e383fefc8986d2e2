"""The open protection need, stated once for every service that acts on it: notification
(no consulate is told), referral (no return: non-refoulement) and intake (no handover is
sealed). Each service decides from its own copy of the facts, built from events.

A case has an open protection need while its latest screening holds an international-
protection or trafficking flag, or any protection referral of the case is pending with the
refugee commission or the prosecutor (sent or acknowledged), or an event that could open a
need has not been applied (dead-lettered, or a screening not yet arrived).

A flag, once raised by any screening, stays raised: a later re-screening without it is
recorded but clears nothing. Only a supervisor's decision (``protection-need-cleared``) clears
it, and only once every referral it led to is declined or concluded. Each flag is kept as the
latest screening sequence that raised it and the sequence a clearance went up to, so the
facts come out the same whatever order the events arrive in, however often.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode
from shared.contracts.protection_referral import ReferralKind, ReferralStatus

PENDING_REFERRAL_STATUSES = frozenset(
    {ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value}
)


class ProtectionNeedKind(StrEnum):
    INTERNATIONAL_PROTECTION = "international_protection"
    TRAFFICKING = "trafficking"


# the referral each flag leads to (referral's rule): clearing the flag waits for its answer
REFERRAL_OF = {
    ProtectionNeedKind.INTERNATIONAL_PROTECTION: ReferralKind.REFUGEE_COMMISSION,
    ProtectionNeedKind.TRAFFICKING: ReferralKind.PROSECUTOR,
}


class ProtectionNeedClearedV1(EventModel):
    """A supervisor's recorded decision that flags raised by the case's screenings up to
    ``through_sequence`` no longer hold (the reason stays in intake's record). A screening
    after that sequence that raises the flag again opens the need again."""

    clearance_id: UUID
    case_id: UUID
    country: CountryCode
    cleared: list[ProtectionNeedKind] = Field(min_length=1)
    through_sequence: int = Field(ge=1, description="the latest screening the decision saw")
    decided_at: datetime


@dataclass(frozen=True)
class PendingReferral:
    kind: str
    authority: str
    status: str


@dataclass(frozen=True)
class Flag:
    """One flag of a case: the latest screening that raised it, the screening a clearance
    went up to."""

    raised_through: int = 0
    cleared_through: int = 0

    @property
    def open(self) -> bool:
        return self.raised_through > self.cleared_through

    def raised(self, sequence: int) -> Flag:
        return Flag(max(self.raised_through, sequence), self.cleared_through)

    def cleared(self, through: int) -> Flag:
        return Flag(self.raised_through, max(self.cleared_through, through))


def is_pending(status: str) -> bool:
    return status in PENDING_REFERRAL_STATUSES


def screenings_missing(latest_sequence: int, applied: int) -> int:
    """Screenings of the case numbered up to the latest one seen that were not applied yet
    (each is numbered 1, 2, ... by intake)."""
    return max(latest_sequence - applied, 0)


def open_need_reasons(
    *,
    international_protection_need: bool,
    trafficking_suspected: bool,
    referrals: Iterable[PendingReferral] = (),
    unresolved_events: int = 0,
) -> list[str]:
    """Why a need is open, most decisive first; empty when none is."""
    reasons = []
    if international_protection_need:
        reasons.append("possible international protection need")
    if trafficking_suspected:
        reasons.append("presumed trafficking victim")
    for referral in referrals:
        if not is_pending(referral.status):
            continue
        subject = (
            "asylum referral"
            if referral.kind == ReferralKind.REFUGEE_COMMISSION.value
            else "trafficking referral"
        )
        reasons.append(f"{subject} to {referral.authority} pending ({referral.status})")
    if unresolved_events:
        reasons.append(f"{unresolved_events} event(s) that could open a need not yet applied")
    return reasons


def clearance_refusal(
    kind: ProtectionNeedKind, flag: Flag, referral_statuses: Iterable[str]
) -> str | None:
    """Why a supervisor may not clear ``kind`` now (None if they may): the flag must be
    raised, and the referral it led to must exist and have been declined or concluded.
    ``referral_statuses``: the statuses of the case's referrals of the related kind."""
    if not flag.open:
        return f"no {kind.value} flag is open"
    statuses = list(referral_statuses)
    referral = REFERRAL_OF[kind].value
    if not statuses:
        return f"the {referral} referral this flag calls for has not been made yet"
    pending = [status for status in statuses if is_pending(status)]
    if pending:
        return (
            f"the {referral} referral is still pending ({pending[0]}): a flag is cleared only "
            "once it is declined or concluded"
        )
    return None
