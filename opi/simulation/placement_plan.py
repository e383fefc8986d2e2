"""Where a synthetic child stays: the first placement (at once or after waiting for a place),
the move of a presumed trafficking victim to a specialised shelter, other transfers and the
release, as the referral service would publish them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from opi.simulation import case_events
from opi.simulation.profile import ShelterSpec
from opi.simulation.timeline import Timeline, new_id, seconds
from opi.simulation.truth import PlacementTruth
from opi.simulation.weighted import chance, lognormal_hours
from shared.contracts.placement import ReleaseReason

NEAREST_HAS_ROOM = 0.8  # otherwise the nearest fitting shelter is full: the next one


@dataclass
class Stay:
    placement: PlacementTruth
    shelter: ShelterSpec


class Placements:
    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.stays: list[Stay] = []
        self.pending_since: datetime | None = None

    @property
    def current(self) -> Stay | None:
        last = self.stays[-1] if self.stays else None
        return last if last and last.placement.released_at is None else None

    def start(self, trafficking_from: datetime | None) -> None:
        """The first placement; a child already known as a trafficking victim goes straight to
        a specialised shelter."""
        rng, ctx = self.timeline.rng, self.timeline.ctx
        at = ctx.registered_at + seconds(rng, 20, 180)
        waiting = chance(rng, ctx.profile.releases.pending)
        specialised = trafficking_from is not None and trafficking_from < at
        shelter = self.choose(specialised=specialised)
        if waiting or shelter is None:
            self.pending_since = at
            self.timeline.emit(case_events.placement_pending(ctx, at))
            at += timedelta(hours=lognormal_hours(rng, 10, 0.8))
            specialised = trafficking_from is not None and trafficking_from < at
            shelter = self.choose(specialised=specialised)
        if shelter is not None:
            self.assign(shelter, at, previous=None)

    def follow_trafficking(self, trafficking_from: datetime | None) -> None:
        """A screening found trafficking indicators: move the child to a specialised shelter."""
        stay = self.current
        if trafficking_from is None or stay is None or stay.shelter.specialised:
            return
        if trafficking_from > stay.placement.assigned_at:
            self.transfer(trafficking_from + seconds(self.timeline.rng, 60, 600), True)

    def choose(
        self, *, specialised: bool, exclude: ShelterSpec | None = None
    ) -> ShelterSpec | None:
        arrival = self.timeline.ctx.arrival
        fitting = [
            shelter
            for shelter in self.timeline.ctx.profile.shelters
            if shelter.accepts(arrival.age_group, arrival.sex)
            and shelter.specialised == specialised
            and shelter != exclude
        ]
        point = arrival.point
        fitting.sort(key=lambda shelter: shelter.distance_km(point.latitude, point.longitude))
        if len(fitting) > 1 and not chance(self.timeline.rng, NEAREST_HAS_ROOM):
            return fitting[1]
        return fitting[0] if fitting else None

    def assign(self, shelter: ShelterSpec, at: datetime, previous: ShelterSpec | None) -> None:
        placement_id = new_id(self.timeline.rng)
        ctx = self.timeline.ctx
        self.timeline.emit(case_events.shelter_assigned(ctx, placement_id, shelter, at, previous))
        notified_at = at + seconds(self.timeline.rng, 30, 180)
        self.timeline.notify_authority(shelter.name, "shelter-assigned", notified_at)
        truth = PlacementTruth(
            placement_id, shelter.shelter_id, shelter.name, shelter.admin1, at, None, None
        )
        self.stays.append(Stay(truth, shelter))

    def release(self, reason: ReleaseReason, at: datetime) -> None:
        stay = self.current
        if stay is None:
            return
        placement = stay.placement
        self.timeline.emit(
            case_events.placement_released(
                self.timeline.ctx, placement.placement_id, stay.shelter, reason, at
            )
        )
        stay.placement = PlacementTruth(
            placement.placement_id,
            placement.shelter_id,
            placement.shelter_name,
            placement.admin1,
            placement.assigned_at,
            at,
            reason,
        )

    def transfer(self, at: datetime, specialised: bool) -> None:
        stay = self.current
        if stay is None:
            return
        target = self.choose(specialised=specialised, exclude=stay.shelter)
        if target is None:
            return
        self.release(ReleaseReason.TRANSFERRED, at)
        self.assign(target, at + timedelta(seconds=1), previous=stay.shelter)

    def truth(self) -> tuple[PlacementTruth, ...]:
        return tuple(stay.placement for stay in self.stays)
