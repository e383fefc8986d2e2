"""Protection referrals: a possible international-protection need goes to the refugee
commission, a presumed trafficking victim to the prosecutor. Who they are is configuration
per country (``data/referral-targets.toml`` or ``OPI_REFERRAL_TARGETS_FILE``), not code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral import events
from services.referral.models import ProtectionReferral, ReferralCase
from shared.contracts.protection_referral import ReferralKind, ReferralStatus

DEFAULT_TARGETS = Path(__file__).parent / "data" / "referral-targets.toml"


@dataclass(frozen=True)
class Target:
    authority: str
    name: str


def load_targets(path: Path | None, country: str) -> dict[ReferralKind, Target]:
    """The country's targets; a country without both is a configuration error at start-up."""
    config = tomllib.loads((path or DEFAULT_TARGETS).read_text())
    entries = config.get(country.upper())
    if not entries:
        raise ValueError(
            f"no referral targets configured for {country} in {path or DEFAULT_TARGETS}"
        )
    targets = {
        kind: Target(**entries[kind.value]) for kind in ReferralKind if kind.value in entries
    }
    missing = [kind.value for kind in ReferralKind if kind not in targets]
    if missing:
        raise ValueError(f"referral targets of {country} lack: {', '.join(missing)}")
    return targets


def kinds_needed(case: ReferralCase) -> list[ReferralKind]:
    kinds = []
    if case.international_protection_need:
        kinds.append(ReferralKind.REFUGEE_COMMISSION)
    if case.trafficking_suspected:
        kinds.append(ReferralKind.PROSECUTOR)
    return kinds


async def refer(
    session: AsyncSession,
    case: ReferralCase,
    screening_id: UUID,
    targets: dict[ReferralKind, Target],
    *,
    country: str,
    now: datetime,
) -> list[ProtectionReferral]:
    """Refer the case to each authority its flags call for, once per authority."""
    existing = set(
        await session.scalars(
            select(ProtectionReferral.kind).where(ProtectionReferral.case_id == case.case_id)
        )
    )
    made = []
    for kind in kinds_needed(case):
        if kind.value in existing:
            continue
        target = targets[kind]
        referral = ProtectionReferral(
            id=uuid4(),
            case_id=case.case_id,
            kind=kind.value,
            authority=target.authority,
            authority_name=target.name,
            status=ReferralStatus.SENT.value,
            screening_id=screening_id,
            made_at=now,
            updated_at=now,
        )
        session.add(referral)
        events.referral_made(session, country, referral)
        made.append(referral)
    await session.flush()
    return made


class ReferralNotFound(LookupError):
    pass


async def update_status(
    session: AsyncSession,
    referral_id: UUID,
    status: ReferralStatus,
    note: str | None,
    *,
    country: str,
    now: datetime,
) -> ProtectionReferral:
    referral = await session.scalar(
        select(ProtectionReferral).where(ProtectionReferral.id == referral_id).with_for_update()
    )
    if referral is None:
        raise ReferralNotFound(referral_id)
    referral.status = status.value
    referral.note = note
    referral.updated_at = now
    events.referral_updated(session, country, referral)
    return referral


async def listing(session: AsyncSession, *, case_id: UUID | None) -> list[ProtectionReferral]:
    query = select(ProtectionReferral).order_by(ProtectionReferral.made_at)
    if case_id:
        query = query.where(ProtectionReferral.case_id == case_id)
    return list(await session.scalars(query))
