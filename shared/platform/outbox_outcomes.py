"""What publishing one outbox event came to, as the relay needs to know it: sent, not tried,
failing for a while (the broker unreachable or slow), or refused by Kafka itself.

Only a refusal may park an event. Parking gives up the order of a case's events for that
one event, so a failure that is not certainly about the event (a connection, a timeout, a
broker not yet started, the client's own state) keeps the event at the head of the queue,
however long it lasts: the not-draining alert tells operations about it.
"""

from __future__ import annotations

from aiokafka import errors

NOT_TRIED = "not sent: an earlier event failed"

# Non-retriable by aiokafka's flag, yet about the connection, the client or the cluster, not
# the event: each would come back for the next event too, and park them all one by one.
_NOT_ABOUT_THE_EVENT: tuple[type[errors.KafkaError], ...] = (
    # unreachable or slow
    errors.KafkaTimeoutError,
    errors.KafkaUnavailableError,
    errors.BrokerNotAvailableError,
    errors.ReplicaNotAvailableError,
    errors.QuotaViolationError,
    # the client's configuration, credentials or state
    errors.ProducerClosed,
    errors.KafkaConfigurationError,
    errors.InvalidRequiredAcksError,
    errors.IllegalStateError,
    errors.UnrecognizedBrokerVersion,
    errors.IncompatibleBrokerVersion,
    errors.UnsupportedVersionError,
    errors.AuthenticationFailedError,
    errors.AuthenticationMethodNotSupported,
    errors.SaslAuthenticationFailed,
    errors.IllegalSaslStateError,
    errors.UnsupportedSaslMechanismError,
    errors.ClusterAuthorizationFailedError,
    # the idempotent producer's sequence, reset by the client
    errors.OutOfOrderSequenceNumber,
    errors.DuplicateSequenceNumber,
    errors.InvalidProducerEpoch,
    errors.InvalidProducerIdMapping,
    errors.UnknownProducerId,
    errors.ProducerFenced,
)


class NotTried(Exception):
    """The outcome of an event the publisher did not send because one before it failed
    (it stops there to keep a case's events in order): nothing happened to this event."""

    def __init__(self) -> None:
        super().__init__(NOT_TRIED)


def refused_by_kafka(error: BaseException) -> bool:
    """Kafka (broker or client) turned this event down and would again: too large, an
    invalid topic, not authorised for the topic."""
    if not isinstance(error, errors.KafkaError) or isinstance(error, _NOT_ABOUT_THE_EVENT):
        return False
    return not error.retriable
