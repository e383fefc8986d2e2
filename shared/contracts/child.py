"""Parts of a case that several events carry: the child, the place of detection, contacts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.codes import CountryCode, E164Phone, SubdivisionCode
from shared.contracts.enums import AgeGroup, DocumentType, Sex


class EventModel(BaseModel):
    """Consumers ignore unknown fields, so a producer may add optional ones (schema evolution)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class IdentityDocument(EventModel):
    type: DocumentType
    number: str = Field(min_length=1, max_length=64)
    issuing_country: CountryCode


class DetectionPlace(EventModel):
    admin1: SubdivisionCode = Field(description="first-level subdivision, ISO 3166-2")
    point: str = Field(min_length=1, max_length=200, description="border post, station, airport")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class FamilyContact(EventModel):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(min_length=1, max_length=50, examples=["mother"])
    phone: E164Phone | None = None
    country: CountryCode | None = None


class ChildIdentity(EventModel):
    """Who the child is, as the consulate or the authority of reception needs it."""

    given_names: str
    family_names: str
    name_since_separation: str | None = None
    sex: Sex
    date_of_birth: date | None
    date_of_birth_estimated: bool
    age_years: int = Field(ge=0, le=17, description="age at detection, in whole years")
    age_group: AgeGroup
    nationalities: list[CountryCode] = Field(min_length=1)
    languages: list[str] = Field(default_factory=list)
    documents: list[IdentityDocument] = Field(default_factory=list)
