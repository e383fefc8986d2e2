"""Handover sealing: only the destination opens, only the sender's key signs, and every
way of tampering, misaddressing or mislabelling is refused with a reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from shared.contracts.handover import (
    HandoverAcknowledgedV1,
    HandoverPlan,
    HandoverV1,
    ReturningChild,
    SendingAuthority,
)
from shared.platform.handover_crypto import HandoverRejected, open_sealed, seal
from shared.platform.handover_keys import load_keys, public_entry, write_peers_file


@pytest.fixture
def keyring(tmp_path: Path):
    countries = ("MX", "GT", "HN")
    peers = write_peers_file(
        tmp_path / "peers.toml", {c: public_entry(tmp_path / c) for c in countries}
    )
    return {c: load_keys(c, tmp_path / c, peers) for c in countries}


def handover(sender: str = "MX", destination: str = "GT") -> HandoverV1:
    now = datetime.now(UTC)
    return HandoverV1(
        handover_id=uuid4(),
        sender_country=sender,
        destination_country=destination,
        sender_case_reference=uuid4(),
        child=ReturningChild(
            given_names="Ana Lucía",
            family_names="Pérez López",
            sex="female",
            date_of_birth="2011-03-14",
            date_of_birth_estimated=False,
            age_years=15,
            nationalities=["GT"],
            languages=["es"],
        ),
        sending_authority=SendingAuthority(name="DIF Chiapas", contact="+529611234567"),
        handover=HandoverPlan(
            scheduled_for=now, place="Ciudad Hidalgo", escorting_officer="Oficial 7"
        ),
        sent_at=now,
    )


def test_only_the_destination_opens_and_reads_what_was_sent(keyring) -> None:
    sent = handover()
    body = seal(sent, keys=keyring["MX"], destination="GT")
    assert b"Ana" not in body and b"GT" in body
    assert open_sealed(body, keys=keyring["GT"], model=HandoverV1) == sent
    with pytest.raises(HandoverRejected, match="addressed to GT"):
        open_sealed(body, keys=keyring["HN"], model=HandoverV1)
    relabelled = json.loads(body) | {"destination": "HN"}
    with pytest.raises(HandoverRejected, match="undecryptable"):
        open_sealed(json.dumps(relabelled).encode(), keys=keyring["HN"], model=HandoverV1)


def test_tampered_ciphertext_and_forged_sender_are_refused(keyring) -> None:
    body = json.loads(seal(handover(), keys=keyring["MX"], destination="GT"))
    raw = bytearray(base64.b64decode(body["ciphertext"]))
    raw[-1] ^= 1
    tampered = body | {"ciphertext": base64.b64encode(bytes(raw)).decode()}
    with pytest.raises(HandoverRejected, match="undecryptable"):
        open_sealed(json.dumps(tampered).encode(), keys=keyring["GT"], model=HandoverV1)
    # HN signs a handover and claims MX sent it: the signature does not verify
    forged = json.loads(seal(handover(), keys=keyring["HN"], destination="GT")) | {"sender": "MX"}
    with pytest.raises(HandoverRejected, match="bad signature"):
        open_sealed(json.dumps(forged).encode(), keys=keyring["GT"], model=HandoverV1)


def test_inner_addresses_versions_and_schemas_are_checked(keyring) -> None:
    inner_elsewhere = seal(handover(destination="HN"), keys=keyring["MX"], destination="GT")
    with pytest.raises(HandoverRejected, match="misaddressed"):
        open_sealed(inner_elsewhere, keys=keyring["GT"], model=HandoverV1)
    future = json.loads(seal(handover(), keys=keyring["MX"], destination="GT"))
    future["schema_version"] = 2
    with pytest.raises(HandoverRejected, match="unknown schema version"):
        open_sealed(json.dumps(future).encode(), keys=keyring["GT"], model=HandoverV1)
    body = seal(handover(), keys=keyring["MX"], destination="GT")
    with pytest.raises(HandoverRejected, match="unknown schema"):
        open_sealed(body, keys=keyring["GT"], model=HandoverAcknowledgedV1)
    with pytest.raises(HandoverRejected, match="invalid JSON"):
        open_sealed(b"\x00not json", keys=keyring["GT"], model=HandoverV1)
