"""The placement workload: a shelter network along Mexico's migration routes, and
child-registered events built with the real contract from the same children as intake's load."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from benchmarks.workload import PLACES, registration_body
from shared.contracts.catalogue import CHILD_REGISTERED_V1
from shared.contracts.child import ChildIdentity, DetectionPlace, FamilyContact
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.envelope import render, source_of

Headers = list[tuple[str, bytes]]
INTAKE_SOURCE = source_of("MX", "intake")
ALL_SEXES = ["female", "male", "intersex", "unknown"]
BOTH_AGES = ["0-11", "12-17"]
# per state: who each of its four shelters takes in; every child fits in each pair of rows
SHELTER_KINDS: list[tuple[str, list[str], list[str]]] = [
    ("Casa hogar para niñas", BOTH_AGES, ["female"]),
    ("Albergue para varones", BOTH_AGES, ["male"]),
    ("Estancia infantil", ["0-11"], ALL_SEXES),
    ("Albergue para adolescentes", ["12-17"], ALL_SEXES),
]
AUTHORITIES = ["DIF", "DIF", "ONG", "COMAR"]


@dataclass(frozen=True)
class Registration:
    """One child-registered message ready to produce, and what the rules see of it."""

    key: bytes
    value: bytes
    headers: Headers
    age_group: str
    sex: str


def shelters(places_needed: int) -> list[dict[str, Any]]:
    """20 shelters (4 kinds in 5 states). Each kind alone has room for ``places_needed``
    children, so every child fits whatever order the rules fill the shelters in."""
    per_shelter = math.ceil(places_needed / len(PLACES)) + 1
    bodies = []
    for admin1, point, latitude, longitude in PLACES:
        city = point.rsplit(", ", 1)[-1]
        for index, (kind, ages, sexes) in enumerate(SHELTER_KINDS):
            bodies.append(
                {
                    "name": f"{kind} {city}",
                    "authority": AUTHORITIES[index],
                    "admin1": admin1,
                    "latitude": round(latitude + 0.01 * (index + 1), 5),
                    "longitude": round(longitude - 0.01 * (index + 1), 5),
                    "age_groups": ages,
                    "sexes": sexes,
                    "trafficking_specialised": False,
                    "capacity": per_shelter,
                }
            )
    return bodies


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def child_registered(rng: random.Random, now: datetime) -> Registration:
    """An event as intake's outbox would publish it, from a registration body of the load."""
    body = registration_body(rng, now)
    child, detected_at = body["child"], datetime.fromisoformat(body["detected_at"])
    birth = date.fromisoformat(child["date_of_birth"]) if "date_of_birth" in child else None
    age = _age(birth, detected_at.date()) if birth else child["estimated_age_years"]
    case_id = uuid4()
    payload = ChildRegisteredV1(
        case_id=case_id,
        country="MX",
        registered_at=now,
        detected_at=detected_at,
        child=ChildIdentity(
            given_names=child["given_names"],
            family_names=child["family_names"],
            sex=child["sex"],
            date_of_birth=birth,
            date_of_birth_estimated=child.get("date_of_birth_estimated", False),
            age_years=age,
            age_group="0-11" if age < 12 else "12-17",
            nationalities=child["nationalities"],
            languages=child["languages"],
            documents=child.get("documents", []),
        ),
        accompaniment=body["accompaniment"],
        detection_place=DetectionPlace(**body["detection_place"]),
        family_contacts=[FamilyContact(**contact) for contact in body.get("family_contacts", [])],
        returned_national=False,
    )
    event = render(
        CHILD_REGISTERED_V1, payload, source=INTAKE_SOURCE, subject=str(case_id), time=now
    )
    return Registration(
        key=event.key.encode(),
        value=event.body,
        headers=[(name, value.encode()) for name, value in event.headers.items()],
        age_group=payload.child.age_group,
        sex=payload.child.sex,
    )


def registrations(count: int, seed: int) -> list[Registration]:
    """``count`` events, rendered ahead of time so the producer only sends bytes."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [child_registered(rng, now) for _ in range(count)]
