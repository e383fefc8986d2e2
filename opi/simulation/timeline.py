"""A synthetic case as it unfolds: the events emitted so far and the truth they amount to.

The notification and referral services' events are produced here (notices, alerts,
protection referrals); placements are in ``placement_plan.py`` and the order of a case's
life in ``case_plan.py``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from uuid import UUID

from opi.simulation.case_events import CaseContext, Emission
from opi.simulation.truth import AlertTruth, ConsularTruth, ReferralTruth
from opi.simulation.weighted import chance, lognormal_hours
from services.referral.referrals import Target
from shared.contracts import catalogue as c
from shared.contracts.notification import (
    AlertClosedV1,
    AlertKind,
    AlertRaisedV1,
    AuthorityNotifiedV1,
    Channel,
    ConsularNotifiedV1,
    DeliveryOutcome,
)
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
    ReferralKind,
    ReferralStatus,
)


def new_id(rng: random.Random) -> UUID:
    """A version-4 UUID drawn from the seeded generator, so ids repeat with the seed."""
    return UUID(int=rng.getrandbits(128), version=4)


def seconds(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=rng.uniform(low, high))


class Timeline:
    def __init__(self, ctx: CaseContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.emissions: list[Emission] = []
        self.referrals: dict[ReferralKind, ReferralTruth] = {}
        self.consular: list[ConsularTruth] = []
        self.alerts: dict[UUID, AlertTruth] = {}

    def emit(self, emission: Emission) -> None:
        self.emissions.append(emission)

    def notify_authority(self, recipient: str, purpose: str, at: datetime) -> None:
        failed = chance(self.rng, 0.01)
        outcome = DeliveryOutcome.FAILED if failed else DeliveryOutcome.DELIVERED
        payload = AuthorityNotifiedV1(
            case_id=self.ctx.case_id,
            notice_id=new_id(self.rng),
            country=self.ctx.country,
            recipient=recipient[:200],
            purpose=purpose,
            channel=Channel.EMAIL,
            sent_at=at,
            outcome=outcome,
        )
        self.emit(Emission(at, c.AUTHORITY_NOTIFIED_V1, payload))
        if failed:  # left open: someone has to call the authority
            self.raise_alert(AlertKind.DELIVERY_FAILED, f"{purpose} notice failed", at)

    def notify_consulate(self, at: datetime, outcome: DeliveryOutcome) -> None:
        notice_id = new_id(self.rng)
        payload = ConsularNotifiedV1(
            case_id=self.ctx.case_id,
            notice_id=notice_id,
            country=self.ctx.country,
            consulate_country=self.ctx.arrival.nationality,
            channel=Channel.WEBHOOK,
            sent_at=at,
            outcome=outcome,
            reference=str(notice_id),
        )
        self.emit(Emission(at, c.CONSULAR_NOTIFIED_V1, payload))
        self.consular.append(ConsularTruth(at, outcome))

    def raise_alert(self, kind: AlertKind, detail: str, at: datetime) -> UUID:
        alert_id = new_id(self.rng)
        payload = AlertRaisedV1(
            alert_id=alert_id,
            case_id=self.ctx.case_id,
            country=self.ctx.country,
            kind=kind,
            detail=detail,
            raised_at=at,
        )
        self.emit(Emission(at, c.ALERT_RAISED_V1, payload))
        self.alerts[alert_id] = AlertTruth(alert_id, kind, at, None)
        return alert_id

    def close_alert(self, alert_id: UUID, at: datetime) -> None:
        kind = self.alerts[alert_id].kind
        payload = AlertClosedV1(
            alert_id=alert_id, case_id=self.ctx.case_id, country=self.ctx.country, kind=kind,
            closed_at=at,
        )  # fmt: skip
        self.emit(Emission(at, c.ALERT_CLOSED_V1, payload))
        self.alerts[alert_id] = AlertTruth(alert_id, kind, self.alerts[alert_id].raised_at, at)

    def refer(self, kind: ReferralKind, target: Target, screening_id: UUID, at: datetime) -> None:
        """Once per kind, as the referral service does, then perhaps the authority's answer."""
        if kind in self.referrals:
            return
        referral_id = new_id(self.rng)
        made = ProtectionReferralMadeV1(
            referral_id=referral_id,
            case_id=self.ctx.case_id,
            country=self.ctx.country,
            kind=kind,
            authority=target.authority,
            authority_name=target.name,
            status=ReferralStatus.SENT,
            screening_id=screening_id,
            made_at=at,
        )
        self.emit(Emission(at, c.PROTECTION_REFERRAL_MADE_V1, made))
        self.notify_authority(
            target.name, f"protection-referral:{kind}", at + seconds(self.rng, 30, 300)
        )
        status = self._answer(kind, target, referral_id, at)
        self.referrals[kind] = ReferralTruth(referral_id, kind, target.authority, status)

    def _answer(
        self, kind: ReferralKind, target: Target, referral_id: UUID, made_at: datetime
    ) -> ReferralStatus:
        draw = self.rng.random()
        if draw >= 0.55:  # no answer yet within the simulated weeks
            return ReferralStatus.SENT
        status = ReferralStatus.ACKNOWLEDGED if draw < 0.48 else ReferralStatus.DECLINED
        at = made_at + timedelta(hours=lognormal_hours(self.rng, 40, 0.8))
        updated = ProtectionReferralUpdatedV1(
            referral_id=referral_id,
            case_id=self.ctx.case_id,
            country=self.ctx.country,
            kind=kind,
            authority=target.authority,
            status=status,
            note="case opened" if status is ReferralStatus.ACKNOWLEDGED else "not competent",
            updated_at=at,
        )
        self.emit(Emission(at, c.PROTECTION_REFERRAL_UPDATED_V1, updated))
        return status
