"""Realistic registration bodies for ``POST /cases``: children from the northern triangle,
Nicaragua and Venezuela, detected at Mexico's southern and northern borders."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

CENTRAL_TIME = timezone(timedelta(hours=-6))

GIVEN_NAMES = {
    "female": ["María José", "Ana Lucía", "Daniela", "Yoselin", "Keyla", "Genesis", "Fernanda"],
    "male": ["José Luis", "Kevin", "Brayan", "Carlos Eduardo", "Wilmer", "Anderson", "Josué"],
}
FAMILY_NAMES = [
    "García López",
    "Hernández Pérez",
    "Martínez Ramos",
    "López Castillo",
    "Rodríguez Cruz",
    "Pérez Morales",
    "Gómez Aguilar",
    "Flores Reyes",
    "Ramírez Orellana",
    "Vásquez Mejía",
]
NATIONALITIES = ["GT", "HN", "SV", "NI", "VE"]
PHONE_PREFIXES = {"GT": "+502", "HN": "+504", "SV": "+503", "NI": "+505", "VE": "+58412"}
LANGUAGES = {"GT": ["es", "quc"], "HN": ["es"], "SV": ["es"], "NI": ["es"], "VE": ["es"]}
PLACES = [
    ("MX-CHP", "Estación Migratoria Siglo XXI, Tapachula", 14.9053, -92.2636),
    ("MX-TAB", "Punto de revisión El Ceibo, Tenosique", 17.2478, -90.9870),
    ("MX-VER", "Central de autobuses, Acayucan", 17.9487, -94.9144),
    ("MX-SON", "Garita DeConcini, Nogales", 31.3325, -110.9420),
    ("MX-CHH", "Puente Paso del Norte, Ciudad Juárez", 31.7497, -106.4870),
]
RELATIONSHIPS = ["mother", "father", "aunt", "uncle", "grandmother", "older sibling"]


def registration_body(rng: random.Random, now: datetime | None = None) -> dict[str, Any]:
    """One registration; ``detected_at`` lies between 10 minutes and 3 days in the past."""
    now = now or datetime.now(UTC)
    detected_at = (now - timedelta(minutes=rng.randint(10, 3 * 24 * 60))).astimezone(CENTRAL_TIME)
    detected_at = detected_at.replace(microsecond=0)
    nationality = rng.choice(NATIONALITIES)
    sex = rng.choices(["female", "male", "unknown"], weights=[45, 50, 5])[0]
    names = GIVEN_NAMES[sex if sex != "unknown" else rng.choice(["female", "male"])]
    child: dict[str, Any] = {
        "given_names": rng.choice(names),
        "family_names": rng.choice(FAMILY_NAMES),
        "sex": sex,
        "nationalities": [nationality],
        "languages": LANGUAGES[nationality][: rng.randint(1, len(LANGUAGES[nationality]))],
    }
    if rng.random() < 0.85:
        child["date_of_birth"] = _birth_date(rng, detected_at.date()).isoformat()
    else:  # no papers and no certain date: the officer estimates the age
        child["estimated_age_years"] = rng.randint(3, 17)
        child["date_of_birth_estimated"] = True
    if rng.random() < 0.4:
        child["documents"] = [
            {
                "type": rng.choice(["passport", "birth_certificate", "national_id"]),
                "number": f"{nationality}{rng.randint(10_000_000, 99_999_999)}",
                "issuing_country": nationality,
            }
        ]
    admin1, point, latitude, longitude = rng.choice(PLACES)
    body: dict[str, Any] = {
        "child": child,
        "accompaniment": rng.choices(
            ["unaccompanied", "separated", "accompanied"], weights=[70, 20, 10]
        )[0],
        "detected_at": detected_at.isoformat(),
        "detection_place": {
            "admin1": admin1,
            "point": point,
            "latitude": round(latitude + rng.uniform(-0.01, 0.01), 5),
            "longitude": round(longitude + rng.uniform(-0.01, 0.01), 5),
        },
    }
    if rng.random() < 0.6:
        body["family_contacts"] = [_contact(rng, nationality)]
    return body


def _birth_date(rng: random.Random, detected_on: date) -> date:
    # between one month and 17 years and 10 months old: always a minor when detected
    return detected_on - timedelta(days=rng.randint(30, 17 * 365 + 300))


def _contact(rng: random.Random, nationality: str) -> dict[str, Any]:
    prefix = PHONE_PREFIXES[nationality]
    digits = 7 if nationality == "VE" else 8  # national significant number after prefix
    number = "".join(str(rng.randint(0, 9)) for _ in range(digits))
    return {
        "name": f"{rng.choice(GIVEN_NAMES['female'] + GIVEN_NAMES['male'])} "
        f"{rng.choice(FAMILY_NAMES)}",
        "relationship": rng.choice(RELATIONSHIPS),
        "phone": f"{prefix}{rng.choice('345789')}{number[1:]}",
        "country": nationality,
    }


def encoded_bodies(count: int, seed: int) -> list[bytes]:
    """``count`` JSON bodies, encoded ahead of time so the load generator only sends bytes."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [json.dumps(registration_body(rng, now)).encode() for _ in range(count)]
