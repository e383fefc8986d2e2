"""The events of the regional (RCM) Kafka. Kept apart from ``catalogue.ALL_CONTRACTS``, the
national catalogue: a national instance never consumes these, and the regional instance
consumes nothing else."""

from __future__ import annotations

from typing import Final

from shared.contracts.catalogue import TYPE_PREFIX, EventContract
from shared.contracts.handover import HandoverAcknowledgedV1, HandoverV1, HandoverWithdrawnV1
from shared.contracts.regional import (
    CASE_EVENTS_TOPIC,
    HANDOVERS_TOPIC,
    STATISTICS_TOPIC,
    CaseEventRecordV1,
    StatisticsPublishedV1,
)

CASE_EVENT_V1: Final = EventContract(
    f"{TYPE_PREFIX}.case-event.v1", CASE_EVENTS_TOPIC, CaseEventRecordV1
)
STATISTICS_PUBLISHED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.statistics-published.v1", STATISTICS_TOPIC, StatisticsPublishedV1
)

REGIONAL_CONTRACTS: Final = (CASE_EVENT_V1, STATISTICS_PUBLISHED_V1)

# Cross-border handovers between national intakes, through the regional Kafka. ``payload`` is
# the plaintext (for documentation): on the wire the body is the sealed envelope of
# ``shared.platform.handover_crypto``, readable only by the destination country.
HANDOVER_V1: Final = EventContract(f"{TYPE_PREFIX}.handover.v1", HANDOVERS_TOPIC, HandoverV1)
HANDOVER_ACKNOWLEDGED_V1: Final = EventContract(
    f"{TYPE_PREFIX}.handover-acknowledged.v1", HANDOVERS_TOPIC, HandoverAcknowledgedV1
)

HANDOVER_WITHDRAWN_V1: Final = EventContract(
    f"{TYPE_PREFIX}.handover-withdrawn.v1", HANDOVERS_TOPIC, HandoverWithdrawnV1
)

HANDOVER_CONTRACTS: Final = (HANDOVER_V1, HANDOVER_ACKNOWLEDGED_V1, HANDOVER_WITHDRAWN_V1)
