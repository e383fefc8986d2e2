"""The delivery worker: sends due notices, records every attempt, retries with exponential
backoff and jitter, and gives up after ``notification_max_attempts`` with an alert.

A notice is claimed (``sending``) by pushing its next attempt past a lease, so a crash
mid-send only delays it: it becomes due again and is sent with the same notice id
(``Idempotency-Key``), which lets a receiver ignore a repeat. The network call runs outside
any transaction. A block arriving while a notice is ``sending`` waits for the outcome: a
delivery is always recorded as delivered (and followed by the flag-after-notice alert when a
need opened meanwhile); a failed try goes back to ``pending``, where the firewall refuses it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from prometheus_client import Counter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notification import alerts, events, firewall, need, notices
from services.notification.channels import Channels, DeliveryError, Destination
from services.notification.models import Notice, NoticeAttempt, NotifiedCase
from shared.contracts.notification import AlertKind
from shared.platform.wakeup import Wakeup

log = logging.getLogger(__name__)

SENDING = "sending"
CLAIMABLE = ("pending", SENDING)

ATTEMPTS = Counter(
    "opi_notification_attempts_total", "Notice delivery attempts", ["purpose", "outcome"]
)


@dataclass(frozen=True)
class Policy:
    max_attempts: int
    base_delay: float
    max_delay: float
    lease: float

    def delay(self, attempts: int) -> float:
        # the exponent is capped first: a large attempt count must not overflow a float
        growth = 2 ** min(attempts - 1, 40)
        return min(self.max_delay, self.base_delay * growth) * random.uniform(0.5, 1)


class DeliveryWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Channels,
        *,
        policy: Policy,
        country: str,
        clock: Callable[[], datetime],
        poll_interval: float,
        on_change: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._channels = channels
        self._policy = policy
        self._country = country
        self._clock = clock
        self._on_change = on_change
        self._wakeup = Wakeup(poll_interval)

    def wake(self) -> None:
        self._wakeup.ring()

    async def run(self) -> None:
        while True:
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("delivery round failed")
                sent = 0
            if not sent:
                await self._wakeup.wait()

    async def deliver_due(self, limit: int = 20) -> int:
        claimed = await self._claim(limit)
        outcomes = await asyncio.gather(
            *(self.attempt(notice_id) for notice_id in claimed), return_exceptions=True
        )
        for notice_id, outcome in zip(claimed, outcomes, strict=True):
            if isinstance(outcome, Exception):
                log.error("delivery of notice %s failed", notice_id, exc_info=outcome)
        return len(claimed)

    async def _claim(self, limit: int) -> list[UUID]:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            due = (
                await session.scalars(
                    select(Notice)
                    # a notice still `sending` past its lease was claimed by a worker that died
                    .where(Notice.status.in_(CLAIMABLE), Notice.next_attempt_at <= now)
                    .order_by(Notice.next_attempt_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for notice in due:
                notice.status = SENDING  # a block arriving now waits for the outcome
                notice.next_attempt_at = now + timedelta(seconds=self._policy.lease)
            return [notice.id for notice in due]

    async def attempt(self, notice_id: UUID) -> None:
        async with self._sessions() as session:
            notice = await session.get(Notice, notice_id)
            assert notice is not None
            try:
                refusal = await self._refusal(session, notice)
            except ValueError as error:  # the message itself carries protection data
                refusal = f"firewall: {error}"
            target = await notices.recipient(session, notice.recipient_kind, notice.recipient_key)
            missing = (
                f"no recipient {notice.recipient_kind}/{notice.recipient_key} is configured: "
                f"PUT /recipients/{notice.recipient_kind}/{notice.recipient_key}, then resend"
            )
            message = await self._completed(session, notice)
            destination = target and Destination(
                target.channel, target.address, target.secret, target.name
            )
        if refusal:
            await self._settle(notice_id, "blocked", refusal)
            return
        if destination is None:  # retrying cannot help: fail now, alert, name what to set up
            await self._settle(notice_id, "unconfigured", missing)
            return
        try:
            # bounded by the lease, so no other claim can overlap this one
            async with asyncio.timeout(self._policy.lease * 0.8):
                detail = await self._channels.deliver(destination, str(notice_id), message)
        except DeliveryError as error:
            await self._settle(notice_id, "error", str(error), reached=error.reached)
        except TimeoutError:  # the request may have gone out: the recipient may have it
            await self._settle(notice_id, "error", "timed out", reached=True)
        except Exception as error:  # a bad address or message: recorded, retried, alerted
            log.exception("notice %s could not be sent", notice_id)
            await self._settle(notice_id, "error", f"{type(error).__name__}: {error}")
        else:
            await self._settle(
                notice_id, "delivered", detail, recipient=destination.name, reached=True
            )

    async def _completed(self, session: AsyncSession, notice: Notice) -> dict:
        """A referral may arrive before the registration that says who the child is: the
        authority's message gets the child's details once they are known."""
        message = dict(notice.message)
        if notice.purpose.startswith("protection-referral") and "child" not in message:
            case = await session.get(NotifiedCase, notice.case_id)
            if case is not None:
                message["child"] = notices.case_facts(case)
        return message

    async def _refusal(self, session: AsyncSession, notice: Notice) -> str | None:
        """The firewall again, at the moment of sending: a flag may have been raised since."""
        if notice.purpose != "consular":
            return None
        case = await session.get(NotifiedCase, notice.case_id)
        if case is None:
            return "unknown case"
        refusal = await need.consular_refusal(session, case, self._country)
        if refusal is None:
            firewall.assert_clean(notice.message)
        return refusal

    async def _settle(
        self,
        notice_id: UUID,
        outcome: str,
        detail: str,
        recipient: str = "",
        *,
        reached: bool = False,
    ) -> None:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            case_id, purpose = (
                await session.execute(
                    select(Notice.case_id, Notice.purpose).where(Notice.id == notice_id)
                )
            ).one()
            if purpose == "consular":
                # the case first, then the notice: the order the event handlers lock them in
                await session.get(NotifiedCase, case_id, with_for_update=True)
            notice = await session.scalar(
                select(Notice).where(Notice.id == notice_id).with_for_update()
            )
            assert notice is not None
            if reached and notice.purpose == "consular":  # whatever else happened meanwhile
                await self._contacted(session, notice, now)
            if notice.status != SENDING:
                # settled meanwhile (by another claim after this one's lease): keep that outcome
                log.warning(
                    "notice %s is %s; %s attempt not applied", notice.id, notice.status, outcome
                )
                return
            notice.attempts += 1  # since it was (re)sent: the retry budget
            number = await session.scalar(
                select(func.count()).where(NoticeAttempt.notice_id == notice.id)
            )
            session.add(
                NoticeAttempt(
                    notice_id=notice.id,
                    number=(number or 0) + 1,
                    at=now,
                    outcome=outcome,
                    detail=detail[:2000],
                )
            )
            ATTEMPTS.labels(notice.purpose.split(":")[0], outcome).inc()
            await self._apply(session, notice, outcome, detail, recipient, now)
        self._on_change()

    async def _apply(
        self,
        session: AsyncSession,
        notice: Notice,
        outcome: str,
        detail: str,
        recipient: str,
        now: datetime,
    ) -> None:
        if outcome == "blocked":
            notice.status, notice.last_error = "blocked", detail
            return
        if outcome == "delivered":
            notice.status, notice.delivered_at, notice.last_error = "delivered", now, None
            await self._delivered(session, notice, recipient, now)
            return
        notice.last_error = detail
        if outcome != "unconfigured" and notice.attempts < self._policy.max_attempts:
            # the next attempt asks the firewall again: a need opened meanwhile blocks it then
            notice.status = "pending"
            notice.next_attempt_at = now + timedelta(seconds=self._policy.delay(notice.attempts))
            return
        notice.status = "failed"
        events.notice_settled(session, self._country, notice, recipient, now)
        await alerts.raise_alert(
            session,
            notice.case_id,
            AlertKind.DELIVERY_FAILED,
            f"{notice.purpose} notice to {notice.recipient_kind}/{notice.recipient_key} failed "
            f"after {notice.attempts} attempts: {detail}"[:500],
            country=self._country,
            now=now,
        )

    async def _delivered(
        self, session: AsyncSession, notice: Notice, recipient: str, now: datetime
    ) -> None:
        events.notice_settled(session, self._country, notice, recipient, now)
        if notice.purpose == "consular":
            case = await session.get(NotifiedCase, notice.case_id)
            if case is not None:
                case.consular_notified_at = now
            await alerts.close_alert(
                session,
                notice.case_id,
                AlertKind.CONSULAR_NOTICE_OVERDUE,
                country=self._country,
                now=now,
            )
        await alerts.close_alert(
            session, notice.case_id, AlertKind.DELIVERY_FAILED, country=self._country, now=now
        )

    async def _contacted(self, session: AsyncSession, notice: Notice, now: datetime) -> None:
        """The consulate may have read this try (delivered, or it answered with an error):
        the case counts as told. A need that opened while the try was on its way raises the
        flag-after-notice alert now, and so tells the supervisors."""
        case = await session.get(NotifiedCase, notice.case_id, with_for_update=True)
        if case is None:
            return
        case.consular_contacted_at = case.consular_contacted_at or now
        reasons = await need.reasons(session, case)
        if reasons:
            await alerts.raise_alert(
                session,
                case.case_id,
                AlertKind.FLAG_AFTER_CONSULAR_NOTICE,
                "a protection need opened while the consulate was being notified: "
                f"{'; '.join(reasons)}"[:500],
                country=self._country,
                now=now,
            )
