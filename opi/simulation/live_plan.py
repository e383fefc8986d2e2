"""What the live simulator will do with one child, decided before any request is sent: the
registration and screening bodies of intake's API, the simulated delays, the release."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from opi.simulation.case_plan import STAY_HOURS
from opi.simulation.identities import Identity, sample_identity
from opi.simulation.population import Arrival, sample_arrival
from opi.simulation.profile import CountryProfile
from opi.simulation.screening import rescreen, sample_screening
from opi.simulation.weighted import chance, lognormal_hours
from shared.contracts.placement import ReleaseReason


@dataclass(frozen=True)
class LiveCase:
    index: int
    registration: dict[str, Any]  # body of POST /cases
    screen_after_hours: float  # simulated, after registration
    screenings: tuple[dict[str, Any], ...]  # bodies of POST /cases/{id}/screening
    rescreen_after_hours: float
    release: ReleaseReason | None
    release_after_hours: float  # simulated, after the last screening


def plan_live_case(
    profile: CountryProfile, index: int, rng: random.Random, now: datetime
) -> LiveCase:
    arrival = sample_arrival(profile, rng)
    local = timezone(timedelta(hours=profile.utc_offset_hours))
    detected_at = (now - timedelta(hours=lognormal_hours(rng, 1.5, 0.8))).astimezone(local)
    identity = sample_identity(arrival, detected_at.date(), rng)
    first = sample_screening(profile, arrival, rng)
    outcomes = [first]
    if chance(rng, profile.screening.rescreening):
        outcomes.append(rescreen(first, arrival, profile, rng))
    release = None
    if chance(rng, profile.releases.share):
        need = any(outcome.international_protection_need for outcome in outcomes)
        reasons = profile.releases.reasons_for(
            returned_national=arrival.returned_national, protection_need=need
        )
        release = reasons.pick(rng)
    return LiveCase(
        index=index,
        registration=registration_body(arrival, identity, detected_at.replace(microsecond=0)),
        screen_after_hours=max(0.25, lognormal_hours(rng, 6, 1.0)),
        screenings=tuple(outcome.body() for outcome in outcomes),
        rescreen_after_hours=max(2.0, lognormal_hours(rng, 48, 0.7)),
        release=release,
        release_after_hours=lognormal_hours(rng, STAY_HOURS[release], 0.6) if release else 0.0,
    )


def registration_body(
    arrival: Arrival, identity: Identity, detected_at: datetime
) -> dict[str, Any]:
    """The ``POST /cases`` body an officer's form would send for this child."""
    point = arrival.point
    body: dict[str, Any] = {
        "child": _child_body(arrival, identity),
        "accompaniment": str(arrival.accompaniment),
        "detected_at": detected_at.isoformat(),
        "detection_place": {
            "admin1": point.admin1,
            "point": point.point,
            "latitude": point.latitude,
            "longitude": point.longitude,
        },
        "family_contacts": [
            {"name": c.name, "relationship": c.relationship, "phone": c.phone, "country": c.country}
            for c in identity.contacts
        ],
    }
    if arrival.returned_from:
        body["returned_from"] = arrival.returned_from
    return body


def _child_body(arrival: Arrival, identity: Identity) -> dict[str, Any]:
    child: dict[str, Any] = {
        "given_names": identity.given_names,
        "family_names": identity.family_names,
        "sex": str(arrival.sex),
        "date_of_birth_estimated": identity.date_of_birth_estimated,
        "nationalities": [arrival.nationality],
        "languages": list(identity.languages),
        "documents": [
            {"type": str(d.type), "number": d.number, "issuing_country": d.issuing_country}
            for d in identity.documents
        ],
    }
    # without a birth date the officer records the age the child gives or seems to have
    if identity.date_of_birth is not None:
        child["date_of_birth"] = identity.date_of_birth.isoformat()
    else:
        child["estimated_age_years"] = identity.age_years
    return child
