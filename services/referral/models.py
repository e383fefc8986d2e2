"""Tables of the referral service: the shelter registry, placements, the cases it needs to
place (a projection of intake's events), protection referrals and assisted returns."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.audit import AuditEntry
from shared.platform.db import Base, UtcDateTime
from shared.platform.inbox import ProcessedEvent
from shared.platform.outbox import OutboxMessage
from shared.platform.protection_flags import ProtectionFlags
from shared.platform.unresolved import UnresolvedEvent

__all__ = [
    "AssistedReturn",
    "AuditEntry",
    "CaseRelation",
    "OutboxMessage",
    "Placement",
    "ProcessedEvent",
    "ProtectionReferral",
    "ReferralCase",
    "Shelter",
    "UnresolvedEvent",
]


class Shelter(Base):
    """``occupied`` is changed only by conditional UPDATEs and checked by the database, so
    capacity holds with any number of service instances."""

    __tablename__ = "shelters"
    __table_args__ = (
        CheckConstraint("occupied >= 0 AND occupied <= capacity", name="within_capacity"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(50))
    admin1: Mapped[str] = mapped_column(String(6), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    age_groups: Mapped[list[str]] = mapped_column(JSON)
    sexes: Mapped[list[str]] = mapped_column(JSON)
    trafficking_specialised: Mapped[bool] = mapped_column(Boolean)
    capacity: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.occupied, 0)


class ReferralCase(ProtectionFlags, Base):
    """What referral knows of a case, from child-registered, screening-completed and
    protection-need-cleared in whatever order they arrive. A protection flag, once raised by
    any screening, stays raised until a supervisor clears it (``ProtectionFlags``)."""

    __tablename__ = "referral_cases"

    case_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    age_group: Mapped[str] = mapped_column(String(5))
    sex: Mapped[str] = mapped_column(String(10))
    nationalities: Mapped[list[str]] = mapped_column(JSON)
    admin1: Mapped[str] = mapped_column(String(6))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    screening_sequence: Mapped[int] = mapped_column(Integer, default=0)
    # screenings not yet applied (numbered up to screening_sequence) hold the need open
    screenings_applied: Mapped[int] = mapped_column(Integer, default=0)
    pending_since: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    pending_reason: Mapped[str | None] = mapped_column(String(500))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseRelation(Base):
    """What may tie a case to its siblings: a sibling link recorded by intake, or a family
    contact's phone shared with another case. Indexed by value, to find siblings fast."""

    __tablename__ = "case_relations"

    case_id: Mapped[UUID] = mapped_column(ForeignKey("referral_cases.case_id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "sibling" | "phone"
    value: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Placement(Base):
    __tablename__ = "placements"
    __table_args__ = (
        # one active placement per case, enforced by the database
        Index(
            "uq_placements_active_case",
            "case_id",
            unique=True,
            postgresql_where=text("released_at IS NULL"),
            sqlite_where=text("released_at IS NULL"),
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("referral_cases.case_id"), index=True)
    shelter_id: Mapped[UUID] = mapped_column(ForeignKey("shelters.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    release_reason: Mapped[str | None] = mapped_column(String(30))
    released_by: Mapped[str | None] = mapped_column(String(200))


class ProtectionReferral(Base):
    __tablename__ = "protection_referrals"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(50))
    authority_name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    screening_id: Mapped[UUID] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(String(1000))
    made_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        # one referral of a kind per case: a re-screening does not refer twice
        Index("uq_protection_referrals_case_kind", "case_id", "kind", unique=True),
    )


class AssistedReturn(Base):
    """A return to the child's country of origin: scheduled, then handed over at the border,
    or blocked when a protection need opens before the handover (non-refoulement). A blocked
    return stays as a record; once the need is gone a new one may be scheduled."""

    __tablename__ = "assisted_returns"
    __table_args__ = (
        # at most one return per case that is not blocked: scheduled or already handed over
        Index(
            "uq_assisted_returns_open_case",
            "case_id",
            unique=True,
            postgresql_where=text("status <> 'blocked'"),
            sqlite_where=text("status <> 'blocked'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("referral_cases.case_id"), index=True)
    destination_country: Mapped[str] = mapped_column(String(2))
    scheduled_for: Mapped[datetime] = mapped_column(UtcDateTime)
    handover_place: Mapped[str] = mapped_column(String(300))
    escorting_officer: Mapped[str] = mapped_column(String(200))
    scheduled_by: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))  # scheduled | blocked | handed_over
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_by: Mapped[str | None] = mapped_column(String(200))
    handed_over_by: Mapped[str | None] = mapped_column(String(200))
    released_placement_id: Mapped[UUID | None] = mapped_column(Uuid)
