"""Kafka topic names: named after the event they carry; dead letters go to ``<topic>.dlq``."""

from __future__ import annotations

from typing import Final

CHILD_REGISTERED: Final = "child-registered"
SCREENING_COMPLETED: Final = "screening-completed"
SHELTER_ASSIGNED: Final = "shelter-assigned"
PLACEMENT_PENDING: Final = "placement-pending"
PLACEMENT_RELEASED: Final = "placement-released"
PROTECTION_REFERRAL_MADE: Final = "protection-referral-made"
PROTECTION_REFERRAL_UPDATED: Final = "protection-referral-updated"
CONSULAR_NOTIFIED: Final = "consular-notified"
AUTHORITY_NOTIFIED: Final = "authority-notified"
ALERT_RAISED: Final = "alert-raised"
ALERT_CLOSED: Final = "alert-closed"
RETURN_SCHEDULED: Final = "return-scheduled"
RETURN_WITHDRAWN: Final = "return-withdrawn"
CHILD_HANDED_OVER: Final = "child-handed-over"
CASE_CLOSED: Final = "case-closed"
PROTECTION_NEED_CLEARED: Final = "protection-need-cleared"

DEAD_LETTER_SUFFIX: Final = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DEAD_LETTER_SUFFIX}"


NATIONAL_TOPICS: Final = (
    CHILD_REGISTERED,
    SCREENING_COMPLETED,
    SHELTER_ASSIGNED,
    PLACEMENT_PENDING,
    PLACEMENT_RELEASED,
    PROTECTION_REFERRAL_MADE,
    PROTECTION_REFERRAL_UPDATED,
    CONSULAR_NOTIFIED,
    AUTHORITY_NOTIFIED,
    ALERT_RAISED,
    ALERT_CLOSED,
    RETURN_SCHEDULED,
    RETURN_WITHDRAWN,
    CHILD_HANDED_OVER,
    CASE_CLOSED,
    PROTECTION_NEED_CLEARED,
)
