"""The open protection need of a case, from notification's own copy of the facts: the
firewall's one question, asked on planning a consular notice, at sending and on resend."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import firewall, referrals
from services.notification.models import NotifiedCase
from shared.contracts.protection_need import open_need_reasons, screenings_missing
from shared.platform import unresolved


async def unresolved_events(session: AsyncSession, case: NotifiedCase) -> int:
    """Events that could open a need for the case and are not applied: screenings not yet
    arrived, and dead letters holding the case."""
    missing = screenings_missing(case.screening_sequence, case.screenings_applied)
    return missing + await unresolved.count_for(session, case.case_id)


async def reasons(session: AsyncSession, case: NotifiedCase) -> list[str]:
    """Why a need is open for the case; empty when none is."""
    return open_need_reasons(
        international_protection_need=case.international_protection_need,
        trafficking_suspected=case.trafficking_suspected,
        referrals=await referrals.pending(session, case.case_id),
        unresolved_events=await unresolved_events(session, case),
    )


async def consular_refusal(session: AsyncSession, case: NotifiedCase, country: str) -> str | None:
    """Why no consul may be told of the case now; None if one may."""
    return firewall.refusal(
        case,
        country,
        await referrals.pending(session, case.case_id),
        unresolved_events=await unresolved_events(session, case),
    )
