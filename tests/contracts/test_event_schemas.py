"""The JSON Schema of every event payload is pinned in ``tests/contracts/schemas/<type>.json``.

Consumers in other services (and other countries' instances) rely on these shapes. When a
payload model changes, this test fails until the checked-in schema is regenerated with::

    python -m tests.contracts.test_event_schemas

and the diff is reviewed. Only *compatible* changes may be made to an existing type (adding
an optional field, relaxing a constraint, adding a description). A *breaking* change
(removing or renaming a field, making one required, changing its type or meaning, narrowing
an enumeration) must instead be a new contract with a new ``...v2`` type in
``shared/contracts/catalogue.py``, published alongside ``v1`` until every consumer has moved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.contracts.catalogue import ALL_CONTRACTS as NATIONAL_CONTRACTS
from shared.contracts.catalogue import EventContract
from shared.contracts.regional_catalogue import REGIONAL_CONTRACTS

ALL_CONTRACTS = (*NATIONAL_CONTRACTS, *REGIONAL_CONTRACTS)

SCHEMA_DIR = Path(__file__).parent / "schemas"
REGENERATE = "python -m tests.contracts.test_event_schemas"


def schema_path(contract: EventContract) -> Path:
    return SCHEMA_DIR / f"{contract.type}.json"


def schema_of(contract: EventContract) -> dict[str, Any]:
    return contract.payload.model_json_schema()


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def regenerate() -> list[Path]:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in ALL_CONTRACTS:
        path = schema_path(contract)
        path.write_text(render_schema(schema_of(contract)), encoding="utf-8")
        written.append(path)
    return written


@pytest.mark.parametrize("contract", ALL_CONTRACTS, ids=lambda contract: contract.type)
def test_payload_schema_is_unchanged(contract: EventContract) -> None:
    path = schema_path(contract)
    assert path.exists(), (
        f"no checked-in schema for {contract.type}; generate it with `{REGENERATE}`"
    )
    pinned = json.loads(path.read_text(encoding="utf-8"))
    current = schema_of(contract)
    assert current == pinned, (
        f"the JSON Schema of {contract.type} ({contract.payload.__name__}) differs from "
        f"{path.relative_to(SCHEMA_DIR.parent.parent.parent)}. If the change is compatible, "
        f"regenerate with `{REGENERATE}` and review the diff; if it is breaking, add a new "
        "...v2 contract instead of changing this one."
    )


def test_every_pinned_schema_belongs_to_a_contract() -> None:
    pinned = {path.name for path in SCHEMA_DIR.glob("*.json")}
    expected = {schema_path(contract).name for contract in ALL_CONTRACTS}
    stale = sorted(pinned - expected)
    assert not stale, (
        f"schemas without a contract in the catalogue: {stale}; a published type must not "
        f"disappear silently. If it was retired on purpose, delete the file(s) and "
        f"regenerate with `{REGENERATE}`."
    )


def test_pinned_schemas_are_in_canonical_form() -> None:
    """So that regenerating gives a clean, reviewable diff."""
    for contract in ALL_CONTRACTS:
        path = schema_path(contract)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert text == render_schema(json.loads(text)), (
                f"{path.name} is not in canonical form; regenerate with `{REGENERATE}`"
            )


if __name__ == "__main__":
    for written in regenerate():
        print(f"wrote {written}", file=sys.stderr)
