"""What a country of origin receives when a child is handed over to it, and what it answers.

These are the **plaintexts** of ``crm.handovers.v1``: they travel only sealed to the
destination's key and signed by the sender (``shared/platform/handover_crypto.py``). They carry
what reception needs and nothing else: never a protection flag, an interview note or the
shelter. The regional broker sees only the envelope: type, sender, destination, ciphertext.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.child import FamilyContact, IdentityDocument
from shared.contracts.codes import CountryCode
from shared.contracts.enums import HealthNeed, Sex

HANDOVER_SCHEMA_VERSION = 1


class SealedModel(BaseModel):
    """A plaintext is checked strictly: a field it does not know is refused, not ignored,
    since whatever is inside was read by nobody else and must be exactly what was meant."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ReturningChild(SealedModel):
    given_names: str = Field(min_length=1, max_length=200)
    family_names: str = Field(min_length=1, max_length=200)
    name_since_separation: str | None = Field(None, max_length=200)
    sex: Sex
    date_of_birth: date | None
    date_of_birth_estimated: bool
    age_years: int = Field(ge=0, le=17)
    nationalities: list[CountryCode] = Field(min_length=1)
    languages: list[str] = Field(default_factory=list)
    documents: list[IdentityDocument] = Field(default_factory=list)


class SendingAuthority(SealedModel):
    name: str = Field(min_length=1, max_length=300)
    contact: str = Field(min_length=1, max_length=300, description="phone or e-mail of the desk")


class HandoverPlan(SealedModel):
    scheduled_for: datetime
    place: str = Field(min_length=1, max_length=300, description="border post of the handover")
    escorting_officer: str = Field(min_length=1, max_length=200)


class HandoverV1(SealedModel):
    """A child returned to the country of origin: what its reception needs."""

    schema_version: int = Field(HANDOVER_SCHEMA_VERSION, ge=1)
    handover_id: UUID
    sender_country: CountryCode
    destination_country: CountryCode
    sender_case_reference: UUID = Field(description="the sending country's case id")
    child: ReturningChild
    family_contacts: list[FamilyContact] = Field(default_factory=list)
    health_needs: list[HealthNeed] = Field(default_factory=list)
    sending_authority: SendingAuthority
    handover: HandoverPlan
    sent_at: datetime


class HandoverAcknowledgedV1(SealedModel):
    """The country of origin received the child: travels back, sealed to the sender."""

    schema_version: int = Field(HANDOVER_SCHEMA_VERSION, ge=1)
    handover_id: UUID
    sender_country: CountryCode = Field(description="the country acknowledging (of origin)")
    destination_country: CountryCode = Field(description="the country that sent the child")
    sender_case_reference: UUID = Field(description="the case id in the country that sent")
    received_at: datetime
    received_by: str = Field(min_length=1, max_length=200)


class HandoverWithdrawnV1(SealedModel):
    """The sender withdraws a handover it sent: the child will not come (the return may no
    longer go ahead). Never says why; sealed to the country of origin like the handover."""

    schema_version: int = Field(HANDOVER_SCHEMA_VERSION, ge=1)
    handover_id: UUID
    sender_country: CountryCode = Field(description="the country that sent the handover")
    destination_country: CountryCode = Field(description="the country of origin")
    sender_case_reference: UUID = Field(description="the sending country's case id")
    withdrawn_at: datetime
