"""A supervisor's resend: only of a failed or blocked notice, and never past the firewall."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import need, notices
from services.notification.models import Notice, NotifiedCase


class NoticeNotFound(LookupError):
    pass


class Refused(RuntimeError):
    pass


async def resend(session: AsyncSession, notice_id: UUID, *, country: str, now: datetime) -> Notice:
    notice = await session.scalar(select(Notice).where(Notice.id == notice_id).with_for_update())
    if notice is None:
        raise NoticeNotFound(notice_id)
    if notice.status not in ("failed", "blocked"):
        raise Refused(f"the notice is {notice.status}; only failed or blocked ones are resent")
    if notice.purpose == "consular":
        case = await session.get(NotifiedCase, notice.case_id)
        refusal = await need.consular_refusal(session, case, country) if case else "unknown case"
        if refusal:
            raise Refused(f"firewall: {refusal}")
    target = await notices.recipient(session, notice.recipient_kind, notice.recipient_key)
    notice.channel = target.channel if target else notice.channel
    notice.status, notice.attempts, notice.next_attempt_at = "pending", 0, now
    return notice
