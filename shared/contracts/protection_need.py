"""The open protection need, stated once for every service that acts on it: notification
(no consulate is told), referral (no return: non-refoulement) and intake (no handover is
sealed). Each service decides from its own copy of the facts, built from events.

A case has an open protection need while its latest screening holds an international-
protection or trafficking flag, or any protection referral of the case is pending with the
refugee commission or the prosecutor (sent or acknowledged), or an event that could open a
need has not been applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.contracts.protection_referral import ReferralKind, ReferralStatus

PENDING_REFERRAL_STATUSES = frozenset(
    {ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value}
)


@dataclass(frozen=True)
class PendingReferral:
    kind: str
    authority: str
    status: str


def is_pending(status: str) -> bool:
    return status in PENDING_REFERRAL_STATUSES


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
