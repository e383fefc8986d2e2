"""The partitions of topics, asked of the cluster itself. A consumer without a subscription
knows no topic's partitions until its metadata happens to include it, which Apache Kafka's
does not at start-up: readers that assign partitions by hand ask here first."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

UNKNOWN_TOPIC = 3  # Kafka's error code: the topic does not exist (yet)


async def partitions_of(bootstrap_servers: str, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of those of ``topics`` that exist; the others are left out."""
    wanted = sorted(set(topics))
    if not wanted:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(wanted)
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        if topic["error_code"] != UNKNOWN_TOPIC
        for partition in topic["partitions"]
    ]
