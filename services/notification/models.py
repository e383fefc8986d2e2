"""Tables of the notification service: who is told what through which channel, every
attempt, the cases it follows (a projection of intake's events) and open alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.audit import AuditEntry
from shared.platform.db import Base, UtcDateTime
from shared.platform.inbox import ProcessedEvent
from shared.platform.outbox import OutboxMessage
from shared.platform.protection_flags import ProtectionFlags
from shared.platform.unresolved import UnresolvedEvent

__all__ = [
    "Alert",
    "AuditEntry",
    "Notice",
    "NoticeAttempt",
    "NotifiedCase",
    "NotifiedReferral",
    "OutboxMessage",
    "ProcessedEvent",
    "Recipient",
    "RecipientChange",
    "UnresolvedEvent",
]


class Recipient(Base):
    """A consulate (key: its country), the child-protection authority, a shelter (key: its
    id, or ``default``) or the supervisors, and how to reach them."""

    __tablename__ = "recipients"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotifiedCase(ProtectionFlags, Base):
    """What notification knows of a case. A protection flag, once any screening raised it,
    stays raised: a re-screening never clears one, only a supervisor's decision does
    (``shared.platform.protection_flags``)."""

    __tablename__ = "notified_cases"

    case_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    given_names: Mapped[str] = mapped_column(String(200))
    family_names: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_years: Mapped[int] = mapped_column(Integer)
    nationalities: Mapped[list[str]] = mapped_column(JSON)
    returned_national: Mapped[bool] = mapped_column(Boolean)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    registration_seen: Mapped[bool] = mapped_column(Boolean, default=False)
    screening_sequence: Mapped[int] = mapped_column(Integer, default=0)
    first_screened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    screenings_applied: Mapped[int] = mapped_column(Integer, default=0)
    consular_allowed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # the first try the consulate may have read (it answered, even with an error): it counts
    # as told, so a need opening afterwards raises the flag-after-notice alert
    consular_contacted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consular_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotifiedReferral(Base):
    """A protection referral of a case and its latest known status: while one is pending
    with the refugee commission or the prosecutor, no consulate is told of the child."""

    __tablename__ = "notified_referrals"

    referral_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Notice(Base):
    """A message to send; stored before it is sent, so a restart loses nothing."""

    __tablename__ = "notices"
    __table_args__ = (
        Index(
            "ix_notices_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # a consulate is told once per case; a resend reuses the same notice
        Index(
            "uq_notices_case_purpose_recipient", "case_id", "purpose", "recipient_key", unique=True
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    purpose: Mapped[str] = mapped_column(String(80))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class NoticeAttempt(Base):
    __tablename__ = "notice_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notice_id: Mapped[UUID] = mapped_column(ForeignKey("notices.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(12))
    detail: Mapped[str | None] = mapped_column(Text)


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # one open alert of a kind per case
        Index(
            "uq_alerts_open",
            "case_id",
            "kind",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RecipientChange(Base):
    """A proposed change of a consulate's or an authority's entry (four eyes): the entry in
    ``recipients`` stays as it is until a second supervisor, not the proposer, approves it.
    At most one change of an entry is pending; a newer proposal supersedes it. The proposed
    secret is kept only until the decision, and is never shown."""

    __tablename__ = "recipient_changes"
    __table_args__ = (
        Index(
            "uq_recipient_changes_pending",
            "kind",
            "key",
            unique=True,
            postgresql_where=text("decided_at IS NULL"),
            sqlite_where=text("decided_at IS NULL"),
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    # the proposed entry without its secret: name, channel, address, contact
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    secret: Mapped[str | None] = mapped_column(String(200))
    secret_proposed: Mapped[bool] = mapped_column(Boolean)
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposed_by_name: Mapped[str | None] = mapped_column(String(200))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision: Mapped[str | None] = mapped_column(String(12))  # approved, rejected, superseded
    reason: Mapped[str | None] = mapped_column(Text)
