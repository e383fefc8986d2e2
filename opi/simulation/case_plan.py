"""The life of one synthetic case, in the order the services would live it: registration,
placement, screening(s) and their consequences (referrals, the consulate or not, alerts),
transfers and release."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from opi.simulation import case_events
from opi.simulation.case_events import CaseContext, Emission
from opi.simulation.consular_plan import DEADLINE, notify_consulate
from opi.simulation.placement_plan import Placements
from opi.simulation.screening import ScreeningOutcome, rescreen, sample_screening
from opi.simulation.timeline import Timeline, new_id, seconds
from opi.simulation.truth import CaseTruth, ContactTruth, ScreeningTruth
from opi.simulation.weighted import chance, lognormal_hours
from services.referral.referrals import Target
from shared.contracts.notification import AlertKind, DeliveryOutcome
from shared.contracts.placement import ReleaseReason
from shared.contracts.protection_referral import ReferralKind

# typical time in a shelter before each outcome, in hours (median of a lognormal)
STAY_HOURS = {
    ReleaseReason.RETURNED: 12 * 24,
    ReleaseReason.REUNIFIED: 5 * 24,
    ReleaseReason.REFUGEE_STATUS: 40 * 24,
    ReleaseReason.ABSCONDED: 3 * 24,
    ReleaseReason.OTHER: 10 * 24,
}


@dataclass(frozen=True)
class PlannedScreening:
    screening_id: UUID
    sequence: int
    at: datetime
    outcome: ScreeningOutcome


def plan_case(
    ctx: CaseContext, rng: random.Random, targets: dict[ReferralKind, Target]
) -> tuple[CaseTruth, list[Emission]]:
    timeline = Timeline(ctx, rng)
    timeline.emit(case_events.child_registered(ctx))
    timeline.notify_authority(
        ctx.profile.authority, "child-registered", ctx.registered_at + seconds(rng, 30, 300)
    )
    screenings = plan_screenings(ctx, rng)
    trafficking_from = next((s.at for s in screenings if s.outcome.trafficking_suspected), None)
    placements = Placements(timeline)
    placements.start(trafficking_from)
    placements.follow_trafficking(trafficking_from)
    for index, screening in enumerate(screenings):
        following = screenings[index + 1] if index + 1 < len(screenings) else None
        _screened(timeline, screening, following, targets)
    _transfer_and_release(timeline, placements, screenings)
    emissions = sorted(timeline.emissions, key=lambda emission: emission.at)
    return _truth(timeline, placements, screenings), emissions


def plan_screenings(ctx: CaseContext, rng: random.Random) -> list[PlannedScreening]:
    # most children are interviewed the same day; a long tail waits more than 24 hours
    first_at = ctx.registered_at + timedelta(hours=max(0.25, lognormal_hours(rng, 6, 1.0)))
    first = sample_screening(ctx.profile, ctx.arrival, rng)
    planned = [PlannedScreening(new_id(rng), 1, first_at, first)]
    if chance(rng, ctx.profile.screening.rescreening):
        second_at = first_at + timedelta(hours=max(2.0, lognormal_hours(rng, 48, 0.7)))
        second = rescreen(first, ctx.arrival, ctx.profile, rng)
        planned.append(PlannedScreening(new_id(rng), 2, second_at, second))
    return planned


def _screened(
    timeline: Timeline,
    screening: PlannedScreening,
    following: PlannedScreening | None,
    targets: dict[ReferralKind, Target],
) -> None:
    ctx, rng, at, outcome = timeline.ctx, timeline.rng, screening.at, screening.outcome
    timeline.emit(
        case_events.screening_completed(
            ctx, screening.screening_id, screening.sequence, outcome, at
        )
    )
    if screening.sequence == 1 and at - ctx.registered_at > DEADLINE:
        _overdue(timeline, at)
    for kind, flagged in (
        (ReferralKind.REFUGEE_COMMISSION, outcome.international_protection_need),
        (ReferralKind.PROSECUTOR, outcome.trafficking_suspected),
    ):
        if flagged:
            timeline.refer(kind, targets[kind], screening.screening_id, at + seconds(rng, 20, 300))
    delivered = any(c.outcome is DeliveryOutcome.DELIVERED for c in timeline.consular)
    if outcome.firewalled and delivered:
        detail = "a protection flag was raised after the consulate was notified"
        timeline.raise_alert(AlertKind.FLAG_AFTER_CONSULAR_NOTICE, detail, at + seconds(rng, 1, 60))
    elif ctx.arrival.foreign and not outcome.firewalled and not delivered:
        blocked_from = following.at if following and following.outcome.firewalled else None
        notify_consulate(timeline, at, blocked_from)


def _overdue(timeline: Timeline, screened_at: datetime) -> None:
    """Notification's deadline sweep raised the alert; the late screening closes it."""
    ctx, rng = timeline.ctx, timeline.rng
    raised_at = ctx.registered_at + DEADLINE + seconds(rng, 1, 60)
    detail = f"registered {ctx.registered_at.isoformat()} and not screened within 24 h"
    alert = timeline.raise_alert(AlertKind.SCREENING_OVERDUE, detail, raised_at)
    timeline.close_alert(alert, screened_at + seconds(rng, 1, 30))


def _transfer_and_release(
    timeline: Timeline, placements: Placements, screenings: list[PlannedScreening]
) -> None:
    rng, ctx = timeline.rng, timeline.ctx
    releases = ctx.profile.releases
    latest = max(emission.at for emission in timeline.emissions)
    if placements.current and chance(rng, releases.transfer):
        latest += timedelta(hours=lognormal_hours(rng, 48, 0.6))
        placements.transfer(latest, specialised=placements.current.shelter.specialised)
    if not placements.current or not chance(rng, releases.share):
        return
    table = releases.reasons_for(
        returned_national=ctx.arrival.returned_national,
        protection_need=any(s.outcome.international_protection_need for s in screenings),
    )
    reason = table.pick(rng)
    stay = timedelta(hours=max(4.0, lognormal_hours(rng, STAY_HOURS[reason], 0.6)))
    placements.release(reason, latest + stay)


def _truth(
    timeline: Timeline, placements: Placements, screenings: list[PlannedScreening]
) -> CaseTruth:
    ctx, identity, arrival = timeline.ctx, timeline.ctx.identity, timeline.ctx.arrival
    return CaseTruth(
        case_id=ctx.case_id,
        country=ctx.country,
        registered_at=ctx.registered_at,
        nationality=arrival.nationality,
        sex=arrival.sex,
        age_group=arrival.age_group,
        accompaniment=arrival.accompaniment,
        admin1=arrival.point.admin1,
        returned_national=arrival.returned_national,
        given_names=identity.given_names,
        family_names=identity.family_names,
        date_of_birth=identity.date_of_birth,
        family_contacts=tuple(
            ContactTruth(c.name, c.relationship, c.phone) for c in identity.contacts
        ),
        screenings=tuple(
            ScreeningTruth(
                s.sequence,
                s.at,
                s.outcome.international_protection_need,
                s.outcome.trafficking_suspected,
            )
            for s in screenings
        ),
        placements=placements.truth(),
        pending_since=placements.pending_since,
        referrals=tuple(timeline.referrals.values()),
        consular=tuple(timeline.consular),
        alerts=tuple(timeline.alerts.values()),
    )
