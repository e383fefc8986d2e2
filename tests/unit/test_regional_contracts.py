"""The regional catalogue: the two events of the regional Kafka, kept out of the national one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.contracts.catalogue import ALL_CONTRACTS
from shared.contracts.regional import StatisticsPublishedV1
from shared.contracts.regional_catalogue import (
    CASE_EVENT_V1,
    REGIONAL_CONTRACTS,
    STATISTICS_PUBLISHED_V1,
)

TABLE = {
    "table": "registrations_by_nationality",
    "period_from": "2026-10-01",
    "period_to": "2026-11-30",
    "dimensions": ["nationality"],
    "k": 10,
    "cells": [{"key": ["GT"], "value": 15}, {"key": ["HN"], "value": None}],
    "row_totals": [],
    "column_totals": [],
    "grand_total": 19,
    "generated_at": datetime(2026, 12, 1, tzinfo=UTC).isoformat(),
}


def test_regional_contracts_are_apart_from_the_national_catalogue() -> None:
    assert [(c.type, c.topic) for c in REGIONAL_CONTRACTS] == [
        ("org.rcm.opi.case-event.v1", "crm.case-events.v1"),
        ("org.rcm.opi.statistics-published.v1", "crm.statistics.v1"),
    ]
    assert CASE_EVENT_V1 not in ALL_CONTRACTS and STATISTICS_PUBLISHED_V1 not in ALL_CONTRACTS


def test_a_statistics_table_validates() -> None:
    table = StatisticsPublishedV1.model_validate(TABLE)
    assert table.cells[1].value is None and table.grand_total == 19


@pytest.mark.parametrize(
    "change",
    [
        {"note": "x"},
        {"cells": [{"key": ["GT"], "value": -1}]},
        {"cells": [{"key": ["GT"], "value": 3, "case_keys": ["a"]}]},
        {"dimensions": ["a", "b", "c"]},
        {"table": "Registrations by nationality"},
    ],
)
def test_a_statistics_table_refuses_what_it_does_not_know(change) -> None:
    with pytest.raises(ValidationError):
        StatisticsPublishedV1.model_validate({**TABLE, **change})
