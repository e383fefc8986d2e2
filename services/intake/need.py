"""The open protection need of a case, from intake's own facts: its screenings, the
supervisors' clearing decisions, its copy of the protection referrals and the dead-lettered
referral events. The rule itself is ``shared.contracts.protection_need``; while a need is open
no handover is sealed, and the case shows why."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import Case, NeedClearance, ReferralCopy, Screening
from shared.contracts.protection_need import (
    REFERRAL_OF,
    Flag,
    ProtectionNeedKind,
    clearance_refusal,
    open_need_reasons,
)
from shared.platform import referral_copies, unresolved

KINDS = tuple(ProtectionNeedKind)


def _raises(screening: Screening, kind: ProtectionNeedKind) -> bool:
    if kind is ProtectionNeedKind.INTERNATIONAL_PROTECTION:
        return screening.international_protection_need
    return screening.trafficking_suspected


def flags(
    screenings: Iterable[Screening], clearances: Iterable[NeedClearance]
) -> dict[ProtectionNeedKind, Flag]:
    """Each flag: the latest screening that raised it, the latest screening a clearance went
    up to. A screening without the flag clears nothing."""
    state = dict.fromkeys(KINDS, Flag())
    for screening in screenings:
        for kind in KINDS:
            if _raises(screening, kind):
                state[kind] = state[kind].raised(screening.sequence)
    for clearance in clearances:
        for kind in clearance.cleared:
            state[ProtectionNeedKind(kind)] = state[ProtectionNeedKind(kind)].cleared(
                clearance.through_sequence
            )
    return state


def open_flags(case: Case) -> dict[ProtectionNeedKind, bool]:
    return {kind: flag.open for kind, flag in flags(case.screenings, case.clearances).items()}


async def reasons(session: AsyncSession, case: Case) -> list[str]:
    """Why a need is open for the case; empty when none is."""
    state = open_flags(case)
    return open_need_reasons(
        international_protection_need=state[ProtectionNeedKind.INTERNATIONAL_PROTECTION],
        trafficking_suspected=state[ProtectionNeedKind.TRAFFICKING],
        referrals=await referral_copies.pending(session, ReferralCopy, case.id),
        unresolved_events=await unresolved.count_for(session, case.id),
    )


async def clearance_refusals(
    session: AsyncSession, case: Case, kinds: Iterable[ProtectionNeedKind]
) -> list[str]:
    """Why each flag asked to be cleared may not be (empty: all may)."""
    state = flags(case.screenings, case.clearances)
    copies = await referral_copies.of_case(session, ReferralCopy, case.id)
    refusals = []
    for kind in kinds:
        statuses = [row.status for row in copies if row.kind == REFERRAL_OF[kind].value]
        if (why := clearance_refusal(kind, state[kind], statuses)) is not None:
            refusals.append(why)
    return refusals
