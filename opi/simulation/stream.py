"""A deterministic synthetic national event stream, for tests and benchmarks: the
CloudEvents intake, referral and notification would publish for ``cases`` children arriving
over the weeks after ``start``, with the ground truth of every case.

No service runs: each case's life is planned (``case_plan.py``) and rendered with the same
``render`` the services' outboxes use. The same seed always gives the same events, ids
included.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opi.simulation.case_events import SERVICE_OF, CaseContext, Emission
from opi.simulation.case_plan import plan_case
from opi.simulation.identities import sample_identity
from opi.simulation.population import profile_for, sample_arrival
from opi.simulation.profile import CountryProfile
from opi.simulation.timeline import new_id
from opi.simulation.truth import CaseTruth
from opi.simulation.weighted import lognormal_hours
from services.referral.referrals import Target, load_targets
from shared.contracts.envelope import OutgoingEvent, render, source_of
from shared.contracts.protection_referral import ReferralKind

DEFAULT_DAYS = 60


@dataclass(frozen=True)
class GeneratedStream:
    events: list[OutgoingEvent]  # in causal order: by time, and in order within a case
    truth: list[CaseTruth]  # one per case, in order of registration


def generate_stream(
    *, seed: int, cases: int, country: str = "MX", start: datetime, days: int = DEFAULT_DAYS
) -> GeneratedStream:
    """``cases`` children registered uniformly over ``days`` days from ``start`` (aware)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    profile = profile_for(country)
    targets = load_targets(None, profile.country)
    master = random.Random(seed)
    window = days * 24 * 3600
    arrivals = sorted(
        start.astimezone(UTC) + timedelta(seconds=master.uniform(0, window)) for _ in range(cases)
    )
    truths: list[CaseTruth] = []
    emissions: list[tuple[CaseTruth, Emission]] = []
    for registered_at in arrivals:
        # one generator per case: a case's life does not depend on how long others' were
        truth, planned = _case(
            profile, targets, registered_at, random.Random(master.getrandbits(64))
        )
        truths.append(truth)
        emissions.extend((truth, emission) for emission in planned)
    emissions.sort(key=lambda pair: pair[1].at)  # stable: a case's own order is kept
    events = [_render(profile, truth, emission, master) for truth, emission in emissions]
    return GeneratedStream(events=events, truth=truths)


def _case(
    profile: CountryProfile,
    targets: dict[ReferralKind, Target],
    registered_at: datetime,
    rng: random.Random,
) -> tuple[CaseTruth, list[Emission]]:
    arrival = sample_arrival(profile, rng)
    detected_at = registered_at - timedelta(hours=lognormal_hours(rng, 1.5, 0.8))
    ctx = CaseContext(
        case_id=new_id(rng),
        profile=profile,
        arrival=arrival,
        identity=sample_identity(arrival, detected_at.date(), rng),
        detected_at=detected_at,
        registered_at=registered_at,
    )
    return plan_case(ctx, rng, targets)


def _render(
    profile: CountryProfile, truth: CaseTruth, emission: Emission, rng: random.Random
) -> OutgoingEvent:
    contract = emission.contract
    event = render(
        contract,
        emission.payload,
        source=source_of(profile.country, SERVICE_OF[contract.type]),
        subject=str(truth.case_id),
        time=emission.at,
    )
    # render draws a random ce_id; a seeded one keeps the stream reproducible
    event_id = str(new_id(rng))
    return OutgoingEvent(
        id=event_id,
        topic=event.topic,
        key=event.key,
        headers={**event.headers, "ce_id": event_id},
        body=event.body,
    )


def shuffled_with_duplicates(
    events: list[OutgoingEvent], seed: int, duplicate_share: float = 0.1
) -> list[OutgoingEvent]:
    """A shuffled copy in which about ``duplicate_share`` of the events come twice (same
    ce_id), as a consumer sees after redeliveries and replays."""
    rng = random.Random(seed)
    repeated = rng.sample(events, round(len(events) * duplicate_share))
    shuffled = [*events, *repeated]
    rng.shuffle(shuffled)
    return shuffled
