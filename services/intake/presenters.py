"""Rows of intake rendered as response bodies."""

from __future__ import annotations

from services.intake import need
from services.intake.events import child_identity, detection_place
from services.intake.models import Case, Handover, NeedClearance, Screening
from services.intake.schemas import (
    CaseOut,
    CaseSummary,
    ChildOut,
    ClearanceOut,
    HandoverOut,
    PlacementOut,
    ProtectionNeedOut,
    ScreeningOut,
)
from shared.contracts.protection_need import ProtectionNeedKind


def screening_out(screening: Screening) -> ScreeningOut:
    return ScreeningOut.model_validate(screening, from_attributes=True)


def _summary_fields(case: Case) -> dict:
    latest = case.latest_screening
    # sticky: a re-screening without a flag does not lower it, only a supervisor's decision
    flags = need.open_flags(case)
    placement = None
    if case.shelter_id is not None and case.placed_at is not None:
        placement = PlacementOut(
            shelter_id=case.shelter_id,
            shelter_name=case.shelter_name or "",
            placed_at=case.placed_at,
        )
    return {
        "case_id": case.id,
        "country": case.country,
        "status": case.status,
        "registered_at": case.registered_at,
        "detected_at": case.detected_at,
        "child": ChildOut(**child_identity(case).model_dump()),
        "accompaniment": case.accompaniment,
        "detection_place": detection_place(case),
        "returned_national": case.returned_national,
        "international_protection_need": (
            flags[ProtectionNeedKind.INTERNATIONAL_PROTECTION] if latest else None
        ),
        "trafficking_suspected": flags[ProtectionNeedKind.TRAFFICKING] if latest else None,
        "risk_level": latest.risk_level if latest else None,
        "placement": placement,
    }


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary(**_summary_fields(case))


def protection_need_out(reasons: list[str]) -> ProtectionNeedOut:
    return ProtectionNeedOut(open=bool(reasons), reasons=reasons)


def case_out(case: Case, need_reasons: list[str]) -> CaseOut:
    return CaseOut(
        **_summary_fields(case),
        registered_by=case.registered_by,
        family_contacts=case.family_contacts,
        sibling_case_ids=case.sibling_case_ids,
        returned_from=case.returned_from,
        screenings=[screening_out(screening) for screening in case.screenings],
        handovers=[handover_out(handover) for handover in case.handovers],
        protection_need=protection_need_out(need_reasons),
    )


def clearance_out(clearance: NeedClearance, need_reasons: list[str]) -> ClearanceOut:
    return ClearanceOut(
        clearance_id=clearance.id,
        case_id=clearance.case_id,
        cleared=[ProtectionNeedKind(kind) for kind in clearance.cleared],
        through_sequence=clearance.through_sequence,
        reason=clearance.reason,
        decided_by=clearance.decided_by,
        decided_at=clearance.decided_at,
        protection_need=protection_need_out(need_reasons),
    )


def handover_out(handover: Handover) -> HandoverOut:
    return HandoverOut(
        handover_id=handover.handover_id,
        direction=handover.direction,
        country=handover.counterpart_country,
        sender_case_reference=handover.sender_case_reference,
        sent_at=handover.sent_at,
        acknowledged_at=handover.acknowledged_at,
        reception_confirmed_at=handover.reception_confirmed_at,
        received_by=handover.received_by,
    )
