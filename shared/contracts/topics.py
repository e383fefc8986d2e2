"""Kafka topic names: named after the event they carry; dead letters go to ``<topic>.dlq``."""

from __future__ import annotations

from typing import Final

CHILD_REGISTERED: Final = "child-registered"
SCREENING_COMPLETED: Final = "screening-completed"
SHELTER_ASSIGNED: Final = "shelter-assigned"

DEAD_LETTER_SUFFIX: Final = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DEAD_LETTER_SUFFIX}"


NATIONAL_TOPICS: Final = (CHILD_REGISTERED, SCREENING_COMPLETED, SHELTER_ASSIGNED)
