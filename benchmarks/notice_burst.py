"""The notice workload: Guatemalan children registered and screened clean (no protection
flag), so that notification owes each two notices, one to the child-protection authority at
registration and one to the consulate at screening; their events are produced to Kafka at
once, as intake's outbox would publish them, and each notice is timed from its event's send."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from aiokafka import AIOKafkaProducer

from benchmarks.placement_workload import INTAKE_SOURCE, _age
from benchmarks.stats import latency_ms, per_second
from benchmarks.workload import registration_body
from shared.contracts.catalogue import CHILD_REGISTERED_V1, SCREENING_COMPLETED_V1, EventContract
from shared.contracts.child import ChildIdentity, DetectionPlace
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.envelope import render
from shared.contracts.screening_completed import ScreeningCompletedV1

NATIONALITY = "GT"
PURPOSES = ("child-registered", "consular")  # what notification calls the two notices
Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes
    value: bytes
    headers: Headers


@dataclass(frozen=True)
class Child:
    case_id: str
    events: tuple[Message, Message]  # child-registered, then screening-completed


def _message(contract: EventContract, payload: Any, case_id: UUID, now: datetime) -> Message:
    event = render(contract, payload, source=INTAKE_SOURCE, subject=str(case_id), time=now)
    headers = [(name, value.encode()) for name, value in event.headers.items()]
    return Message(event.topic, event.key.encode(), event.body, headers)


def clean_child(rng: random.Random, now: datetime) -> Child:
    body = registration_body(rng, now)
    child, place = body["child"], DetectionPlace(**body["detection_place"])
    birth = date.fromisoformat(child["date_of_birth"]) if "date_of_birth" in child else None
    detected_at = datetime.fromisoformat(body["detected_at"])
    age = _age(birth, detected_at.date()) if birth else child["estimated_age_years"]
    identity = ChildIdentity(
        given_names=child["given_names"],
        family_names=child["family_names"],
        sex=child["sex"],
        date_of_birth=birth,
        date_of_birth_estimated=birth is None,
        age_years=age,
        age_group="0-11" if age < 12 else "12-17",
        nationalities=[NATIONALITY],
        languages=["es"],
    )
    case_id = uuid4()
    common = {"case_id": case_id, "country": "MX", "registered_at": now, "child": identity}
    common |= {"accompaniment": body["accompaniment"], "detection_place": place}
    registered = ChildRegisteredV1(**common, detected_at=detected_at, returned_national=False)
    screened = ScreeningCompletedV1(
        **common,
        screening_id=uuid4(),
        sequence=1,
        rescreening=False,
        screened_at=now,
        international_protection_need=False,
        trafficking_suspected=False,
        protection_flags=[],
        risk_level="low",
        returned_national=False,
    )
    return Child(
        str(case_id),
        (
            _message(CHILD_REGISTERED_V1, registered, case_id, now),
            _message(SCREENING_COMPLETED_V1, screened, case_id, now),
        ),
    )


def clean_children(count: int, seed: int) -> list[Child]:
    """``count`` children, rendered ahead of time so the producer only sends bytes."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [clean_child(rng, now) for _ in range(count)]


@dataclass
class NoticeBurst:
    children: list[Child]
    sent_at: dict[tuple[str, str], float]  # (case id, purpose) -> perf_counter before send()
    started: float
    acked: float


async def produce_children(kafka: AIOKafkaProducer, children: list[Child]) -> NoticeBurst:
    """Every send queued at once (the producer batches them), then every ack awaited."""
    sent_at: dict[tuple[str, str], float] = {}
    acks = []
    started = time.perf_counter()
    for child in children:
        for purpose, event in zip(PURPOSES, child.events, strict=True):
            sent_at[(child.case_id, purpose)] = time.perf_counter()
            acks.append(
                await kafka.send(event.topic, event.value, key=event.key, headers=event.headers)
            )
    await asyncio.gather(*acks)
    return NoticeBurst(children, sent_at, started, time.perf_counter())


def summarise(
    burst: NoticeBurst, arrived: dict[tuple[str, str], float], statuses: dict[str, int]
) -> dict[str, Any]:
    """``arrived``: (case id, purpose) -> perf_counter at which the receiver took it in."""
    done = [key for key in burst.sent_at if key in arrived]
    last = max((arrived[key] for key in done), default=burst.started)

    def latencies(purpose: str | None) -> dict[str, float | None]:
        keys = [key for key in done if purpose in (None, key[1])]
        return latency_ms([arrived[key] - burst.sent_at[key] for key in keys])

    return {
        "children": len(burst.children),
        "events_produced": len(burst.sent_at),
        "notices_expected": len(burst.sent_at),
        "notices_received": len(done),
        "authority_received": sum(key[1] == PURPOSES[0] for key in done),
        "consular_received": sum(key[1] == PURPOSES[1] for key in done),
        "missing": len(burst.sent_at) - len(done),
        "notice_statuses": statuses,
        "produce_seconds": burst.acked - burst.started,
        "seconds": last - burst.started,
        "notices_per_s": per_second(len(done), last - burst.started),
        "latency_ms": latencies(None),
        "authority_latency_ms": latencies(PURPOSES[0]),
        "consular_latency_ms": latencies(PURPOSES[1]),
    }
