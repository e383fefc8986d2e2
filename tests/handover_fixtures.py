"""Keys, events and sealed records for tests of cross-border handovers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from services.intake.handover import render_sealed
from shared.contracts.assisted_return import ReturnScheduledV1, ReturnWithdrawnV1
from shared.contracts.catalogue import RETURN_SCHEDULED_V1, RETURN_WITHDRAWN_V1
from shared.contracts.child import FamilyContact
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.handover import (
    HandoverPlan,
    HandoverV1,
    ReturningChild,
    SendingAuthority,
)
from shared.contracts.regional_catalogue import HANDOVER_V1
from shared.platform.handover_crypto import HandoverKeys, seal
from shared.platform.handover_keys import load_keys, public_entry, write_peers_file

COUNTRIES = ("MX", "GT", "HN")


@dataclass(frozen=True)
class KeyRing:
    """Every test country's key directory and the one peers file they share."""

    peers_file: Path
    dirs: dict[str, Path]

    def keys(self, country: str) -> HandoverKeys:
        return load_keys(country, self.dirs[country], self.peers_file)


def key_ring(root: Path, countries: tuple[str, ...] = COUNTRIES) -> KeyRing:
    dirs = {country: root / "keys" / country.lower() for country in countries}
    entries = {country: public_entry(path) for country, path in dirs.items()}
    return KeyRing(write_peers_file(root / "peers.toml", entries), dirs)


def return_scheduled(
    case_id: str | UUID, *, country: str = "MX", destination: str = "GT"
) -> OutgoingEvent:
    """A return-scheduled event as referral would publish it."""
    now = datetime.now(UTC)
    payload = ReturnScheduledV1(
        case_id=case_id,
        return_id=uuid4(),
        country=country,
        destination_country=destination,
        scheduled_for=now + timedelta(days=2),
        handover_place="Puente Rodolfo Robles, Ciudad Hidalgo",
        escorting_officer="Oficial Ramírez",
        scheduled_at=now,
    )
    return render(
        RETURN_SCHEDULED_V1,
        payload,
        source=f"/opi/{country.lower()}/referral",
        subject=str(case_id),
        time=now,
    )


def return_withdrawn(scheduled: OutgoingEvent, *, country: str = "MX") -> OutgoingEvent:
    """The return-withdrawn referral publishes when the return of ``scheduled`` is blocked."""
    planned = ReturnScheduledV1.model_validate_json(scheduled.body)
    now = datetime.now(UTC)
    payload = ReturnWithdrawnV1(
        case_id=planned.case_id, return_id=planned.return_id, country=country, withdrawn_at=now
    )
    return render(
        RETURN_WITHDRAWN_V1,
        payload,
        source=f"/opi/{country.lower()}/referral",
        subject=str(planned.case_id),
        time=now,
    )


def handover(
    *, sender: str = "MX", destination: str = "GT", given_names: str = "Ana Lucía"
) -> HandoverV1:
    now = datetime.now(UTC)
    return HandoverV1(
        handover_id=uuid4(),
        sender_country=sender,
        destination_country=destination,
        sender_case_reference=uuid4(),
        child=ReturningChild(
            given_names=given_names,
            family_names="Pérez López",
            sex="female",
            date_of_birth="2011-03-14",
            date_of_birth_estimated=False,
            age_years=15,
            nationalities=[destination],
            languages=["es"],
        ),
        family_contacts=[
            FamilyContact(name="María López", relationship="mother", phone="+50255551234")
        ],
        health_needs=["chronic_condition"],
        sending_authority=SendingAuthority(name="DIF", contact="+525555555555"),
        handover=HandoverPlan(
            scheduled_for=now + timedelta(days=1),
            place="Puente Rodolfo Robles",
            escorting_officer="Oficial Ramírez",
        ),
        sent_at=now,
    )


def record(
    envelope: bytes, *, sender: str = "MX", destination: str = "GT", handover_id: UUID | None = None
) -> OutgoingEvent:
    """The regional record of an envelope, as a sending intake would stage it."""
    return render_sealed(
        HANDOVER_V1,
        envelope,
        country=sender,
        destination=destination,
        handover_id=handover_id or uuid4(),
        at=datetime.now(UTC),
    )


def sealed(payload: HandoverV1, keys: HandoverKeys, destination: str = "GT") -> bytes:
    return seal(payload, keys=keys, destination=destination)


def rewrite(envelope: bytes, **changes: object) -> bytes:
    """An envelope with some of its outer fields changed (what a forger can do)."""
    return json.dumps({**json.loads(envelope), **changes}).encode()


def tampered(envelope: bytes) -> bytes:
    outer = json.loads(envelope)
    ciphertext = bytearray(base64.b64decode(outer["ciphertext"]))
    ciphertext[len(ciphertext) // 2] ^= 0x01
    return rewrite(envelope, ciphertext=base64.b64encode(bytes(ciphertext)).decode())
