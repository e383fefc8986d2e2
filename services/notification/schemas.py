"""Request and response bodies of the notification API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlparse
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shared.contracts.notification import Channel

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, examples=["Consulado General de Guatemala"])
    channel: Channel
    address: str = Field(min_length=3, max_length=500, description="HTTPS URL or e-mail")
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="HMAC-SHA256 key of the webhook signature"
    )
    contact: str | None = Field(None, max_length=300, description="for people: phone, e-mail")

    @field_validator("address")
    @classmethod
    def _address_fits_channel(cls, address: str, info: ValidationInfo) -> str:
        if info.data.get("channel") == Channel.EMAIL:
            try:
                EmailAddress.model_validate({"value": address})
            except ValidationError as error:
                raise ValueError(f"not an e-mail address: {address!r}") from error
            return address
        url = urlparse(address)
        if not url.hostname or " " in address:
            raise ValueError("a webhook address must be a URL with a host")
        # plain HTTP only to this machine (the development receiver)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
            raise ValueError("a webhook must be an https:// URL")
        return address

    @model_validator(mode="after")
    def _webhook_is_signed(self) -> RecipientIn:
        if self.channel == Channel.WEBHOOK and not self.secret:
            raise ValueError("secret: a webhook needs a secret to sign its messages")
        return self


class EmailAddress(BaseModel):
    value: EmailStr


class RecipientOut(BaseModel):
    """Never the secret: only whether one is set."""

    kind: str
    key: str
    name: str
    channel: Channel
    address: str
    contact: str | None
    has_secret: bool
    updated_at: datetime


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    at: datetime
    outcome: str
    detail: str | None


class NoticeOut(BaseModel):
    id: UUID
    case_id: UUID
    purpose: str
    recipient_kind: str
    recipient_key: str
    channel: str
    status: str
    attempts: list[AttemptOut]
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    message: dict[str, Any]


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    case_id: UUID
    kind: str
    detail: str
    raised_at: datetime
    closed_at: datetime | None


class ProposedRecipient(BaseModel):
    """An entry as proposed: never the secret, only whether one is set."""

    name: str
    channel: Channel
    address: str
    contact: str | None
    has_secret: bool


class RecipientChangeOut(BaseModel):
    """A proposed change of a consulate's or an authority's entry (four eyes)."""

    id: UUID
    kind: str
    key: str
    status: Literal["pending", "approved", "rejected", "superseded"]
    proposed: ProposedRecipient
    changes_secret: bool | None = Field(
        description="whether approving would change the secret in effect (pending only)"
    )
    current: RecipientOut | None = Field(description="the entry in effect now, if any")
    proposed_by: str
    proposed_by_name: str | None
    proposed_at: datetime
    decided_by: str | None
    decided_by_name: str | None
    decided_at: datetime | None
    reason: str | None


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(None, max_length=500, description="optional note")


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=500, description="why it is rejected")


class RecipientHistoryOut(BaseModel):
    """One audited step of an entry: who, when, the entry in effect before and after, and
    for a four-eyes change the entry proposed. A secret appears only as ``has_secret`` and
    ``secret_changed``."""

    at: datetime
    action: str = Field(
        description="recipient.set, recipient.seeded, recipient.change-proposed, "
        "recipient.change-approved or recipient.change-rejected"
    )
    actor: str = Field(description="the token's subject")
    username: str | None
    change_id: UUID | None
    before: dict[str, Any] | None = Field(description="the entry in effect before")
    after: dict[str, Any] | None = Field(description="the entry in effect after")
    proposed: dict[str, Any] | None = Field(description="the entry proposed (four eyes)")
    secret_changed: bool | None = Field(description="whether the secret in effect changed")
    proposed_by: str | None
    reason: str | None
