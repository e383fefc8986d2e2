"""A service's consumer groups, positioned at the end of their topics before a run, so that a
fresh instance does not first replay what earlier runs left on the broker (intake's
registrations, an earlier placement run): every run measures only its own events.

The embedded broker (Tansu 0.6.0) refuses an offset commit from outside a group that has
had members (UNKNOWN_MEMBER_ID), so the group is deleted first and the commit recreates it.
Tansu then drops the connection of the first commit (its group file is gone); aiokafka logs
an error and retries, which succeeds, so that one expected error is kept out of the output.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import DeleteGroupsRequest

from benchmarks.delivery import end_positions
from benchmarks.infra import COUNTRY
from shared.platform.config import Settings
from shared.platform.messaging import subscriber_options


def group_of(service: str, topic: str) -> str:
    """The group a service's subscriber to ``topic`` joins (one per service and topic)."""
    return str(subscriber_options(Settings(country=COUNTRY), service)(topic)["group_id"])


async def delete_group(bootstrap_servers: str, group: str) -> None:
    """Delete ``group``; an unknown one is fine, so the answer's error code is not checked.
    aiokafka's admin client has no public call for it, hence the protocol request."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        coordinator = await admin.find_coordinator(group)
        await admin._send_request(DeleteGroupsRequest([group]), coordinator)
    finally:
        await admin.close()


@contextlib.contextmanager
def quiet_coordinator() -> Iterator[None]:
    logger = logging.getLogger("aiokafka.consumer.group_coordinator")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


async def commit_end_offsets(bootstrap_servers: str, group: str, topic: str) -> int:
    """Commit the end of every partition of ``topic`` for ``group``, without joining it;
    returns how many messages the group thereby skips (0 for a topic not created yet)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    try:
        await consumer.topics()  # fetches the metadata
        partitions = [
            TopicPartition(topic, partition)
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return 0
        ends = await end_positions(consumer, partitions)
        with quiet_coordinator():
            await consumer.commit(ends)
        return sum(ends.values())
    finally:
        await consumer.stop()


async def skip_to_end(bootstrap_servers: str, service: str, topics: Iterable[str]) -> int:
    """Start each of ``service``'s groups on ``topics`` afresh at the end (no instance of the
    service may be running); returns the total number of earlier messages skipped."""
    skipped = 0
    for topic in topics:
        group = group_of(service, topic)
        await delete_group(bootstrap_servers, group)
        skipped += await commit_end_offsets(bootstrap_servers, group, topic)
    return skipped
