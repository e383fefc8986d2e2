"""The consular notice of a foreign child without protection flags: at once, now and then
failed and resent; never once a later screening has raised a flag (the firewall)."""

from __future__ import annotations

from datetime import datetime, timedelta

from opi.simulation.timeline import Timeline, seconds
from opi.simulation.weighted import chance, lognormal_hours
from shared.contracts.notification import AlertKind, DeliveryOutcome

DEADLINE = timedelta(hours=24)  # notification's default screening and consular deadlines
CONSULAR_DELIVERY_FAILS = 0.05


def notify_consulate(
    timeline: Timeline, allowed_at: datetime, blocked_from: datetime | None
) -> None:
    """Notice the consulate at once (now and then every try fails). Nothing is sent once a
    later screening raises a flag: the firewall."""
    rng = timeline.rng
    if not chance(rng, CONSULAR_DELIVERY_FAILS):
        sent_at = allowed_at + seconds(rng, 60, 2400)
        if blocked_from is None or sent_at < blocked_from:
            timeline.notify_consulate(sent_at, DeliveryOutcome.DELIVERED)
        return
    _failed_then_resent(timeline, allowed_at, blocked_from)


def _failed_then_resent(
    timeline: Timeline, allowed_at: datetime, blocked_from: datetime | None
) -> None:
    """Every try of the first notice failed (an alert); the officer resends it hours later,
    unless a flag was raised meanwhile."""
    rng = timeline.rng
    failed_at = allowed_at + timedelta(hours=rng.uniform(1, 3))
    resent_at = failed_at + timedelta(hours=lognormal_hours(rng, 6, 0.7))
    if blocked_from is not None and failed_at >= blocked_from:
        return
    timeline.notify_consulate(failed_at, DeliveryOutcome.FAILED)
    detail = (
        f"consular notice to consulate/{timeline.ctx.arrival.nationality} failed after 6 attempts"
    )
    alert = timeline.raise_alert(
        AlertKind.DELIVERY_FAILED, detail, failed_at + timedelta(seconds=1)
    )
    if blocked_from is not None and resent_at >= blocked_from:
        return  # left open: the notice will never go
    if resent_at - allowed_at > DEADLINE:
        late = timeline.raise_alert(
            AlertKind.CONSULAR_NOTICE_OVERDUE,
            "no consular notice delivered within 24 h of a screening that allows it",
            allowed_at + DEADLINE + seconds(rng, 1, 60),
        )
        timeline.close_alert(late, resent_at + seconds(rng, 1, 30))
    timeline.notify_consulate(resent_at, DeliveryOutcome.DELIVERED)
    if chance(rng, 0.5):  # otherwise nobody closed it: a failed-delivery alert stays open
        timeline.close_alert(alert, resent_at + seconds(rng, 1, 60))
