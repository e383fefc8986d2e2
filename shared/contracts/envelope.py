"""CloudEvents 1.0 over Kafka in binary content mode.

The attributes travel as ``ce_*`` headers, the payload is the JSON body and the Kafka
key is the case id, so every event of one case lands on one partition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import BaseModel

from shared.contracts.catalogue import EventContract

JSON_CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time")


@dataclass(frozen=True)
class OutgoingEvent:
    """A CloudEvent rendered for Kafka: what the outbox stores and the relay publishes."""

    id: str
    topic: str
    key: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class EventAttributes:
    """The CloudEvent attributes a consumer reads from a message's headers."""

    id: str
    source: str
    type: str
    subject: str | None
    time: datetime | None


def source_of(country: str, service: str) -> str:
    return f"/opi/{country.lower()}/{service}"


def render(
    contract: EventContract,
    payload: BaseModel,
    *,
    source: str,
    subject: str,
    time: datetime,
    event_id: str | None = None,
) -> OutgoingEvent:
    """Build the binary-mode Kafka message of one event; ``subject`` is the case id (or, on
    the regional feed, the pseudonymous case key). ``event_id`` is for events derived from
    another event, whose id must stay the same when they are derived again."""
    if not isinstance(payload, contract.payload):
        raise TypeError(f"{contract.type} carries {contract.payload.__name__}")
    event = CloudEvent(
        attributes={
            "id": event_id or str(uuid4()),
            "source": source,
            "type": contract.type,
            "subject": subject,
            "time": time,
            "datacontenttype": JSON_CONTENT_TYPE,
        },
        data=payload.model_dump(mode="json"),
    )
    message = ce_kafka.to_binary(event, JSONFormat(), key_mapper=lambda _: subject)
    return OutgoingEvent(
        id=event.get_id(),
        topic=contract.topic,
        key=subject,
        headers={name: value.decode() for name, value in message.headers.items()},
        body=message.value,
    )


def attributes_of(headers: dict[str, Any]) -> EventAttributes:
    """Read the CloudEvent attributes of a consumed message; raise ``ValueError`` if absent."""
    text = {name.lower(): _text(value) for name, value in headers.items()}
    missing = [name for name in REQUIRED_HEADERS if not text.get(name)]
    if missing:
        raise ValueError(f"not a binary-mode CloudEvent: missing header(s) {', '.join(missing)}")
    if text["ce_specversion"] != "1.0":
        raise ValueError(f"unsupported CloudEvents specversion {text['ce_specversion']!r}")
    return EventAttributes(
        id=text["ce_id"],
        source=text["ce_source"],
        type=text["ce_type"],
        subject=text.get("ce_subject"),
        time=datetime.fromisoformat(text["ce_time"].replace("Z", "+00:00")),
    )


def decode_body(body: bytes) -> dict[str, Any]:
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("event data must be a JSON object")
    return data


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
