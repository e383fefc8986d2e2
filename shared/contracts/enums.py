"""Enumerations of the domain, one name for one thing across code, events and API."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    UNKNOWN = "unknown"


class Accompaniment(StrEnum):
    UNACCOMPANIED = "unaccompanied"
    SEPARATED = "separated"
    ACCOMPANIED = "accompanied"


class AgeGroup(StrEnum):
    """The age groups of the official statistics and of shelter capacity."""

    CHILD_0_11 = "0-11"
    ADOLESCENT_12_17 = "12-17"


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TraffickingIndicator(StrEnum):
    RECRUITED_WITH_DECEPTION = "recruited_with_deception"
    DOCUMENTS_CONFISCATED = "documents_confiscated"
    DEBT_BONDAGE = "debt_bondage"
    MOVEMENT_CONTROLLED = "movement_controlled"
    FORCED_LABOUR = "forced_labour"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    WITH_UNRELATED_ADULT = "with_unrelated_adult"
    COACHED_ANSWERS = "coached_answers"
    OTHER = "other"


class ViolenceIndicator(StrEnum):
    PHYSICAL = "physical"
    SEXUAL = "sexual"
    PSYCHOLOGICAL = "psychological"
    NEGLECT = "neglect"
    GANG_THREAT = "gang_threat"
    DOMESTIC = "domestic"
    OTHER = "other"


class HealthNeed(StrEnum):
    URGENT_MEDICAL_CARE = "urgent_medical_care"
    CHRONIC_CONDITION = "chronic_condition"
    DISABILITY = "disability"
    MENTAL_HEALTH = "mental_health"
    PREGNANCY = "pregnancy"
    MALNUTRITION = "malnutrition"
    OTHER = "other"


class ProtectionFlag(StrEnum):
    """The flags a screening raises; the first two gate the consulate (firewall rule)."""

    INTERNATIONAL_PROTECTION_NEED = "international_protection_need"
    TRAFFICKING_SUSPECTED = "trafficking_suspected"
    VIOLENCE_OR_ABUSE = "violence_or_abuse"
    HEALTH_NEEDS = "health_needs"
    PREGNANCY = "pregnancy"


class CaseStatus(StrEnum):
    REGISTERED = "registered"
    SCREENED = "screened"
    CLOSED = "closed"


class DocumentType(StrEnum):
    PASSPORT = "passport"
    BIRTH_CERTIFICATE = "birth_certificate"
    NATIONAL_ID = "national_id"
    CONSULAR_ID = "consular_id"
    OTHER = "other"
