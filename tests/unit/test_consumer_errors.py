"""Which failures are poison, which are the infrastructure (retried without limit, in
order) and which are bugs (a few tries, then a dead letter)."""

from __future__ import annotations

import json
import sqlite3

import asyncpg
import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
)
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa

from shared.platform.consumer_errors import Failure, PoisonMessage, classify, error_summary


class Child(BaseModel):
    age: int


def _validation_error() -> ValidationError:
    try:
        Child.model_validate({"age": "eleven"})
    except ValidationError as error:
        return error
    raise AssertionError("unreachable")


def _from_asyncpg(error: Exception) -> sa.DBAPIError:
    """What SQLAlchemy's asyncpg dialect raises: a translated DBAPI error, the driver's own
    exception as its cause."""
    translated = sa.DBAPIError("SELECT 1", {}, Exception(str(error)))
    translated.__cause__ = error
    return translated


@pytest.mark.parametrize(
    "error",
    [
        PoisonMessage("expected CloudEvent type x"),
        _validation_error(),
        json.JSONDecodeError("Expecting value", "{", 0),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    ],
    ids=["poison", "validation", "json", "unicode"],
)
def test_messages_that_will_never_succeed_are_poison(error: Exception) -> None:
    assert classify(error) is Failure.POISON


def _closed_database() -> asyncpg.ObjectNotInPrerequisiteStateError:
    return asyncpg.ObjectNotInPrerequisiteStateError(
        'database "opi" is not currently accepting connections'
    )


@pytest.mark.parametrize(
    "error",
    [
        sa.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")),
        sa.InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        sa.TimeoutError("QueuePool limit of size 10 overflow 20 reached"),
        sa.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True),
        sqlite3.OperationalError("database is locked"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        _closed_database(),
        _from_asyncpg(asyncpg.AdminShutdownError("terminating connection")),
        _from_asyncpg(asyncpg.SerializationError("could not serialize access")),
        ConnectionRefusedError(111, "Connect call failed"),
        TimeoutError(),
        OSError("Network is unreachable"),
        KafkaConnectionError("Unable to bootstrap"),
        NotLeaderForPartitionError(),
        KafkaTimeoutError(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_unavailable_database_or_kafka_is_infrastructure(error: Exception) -> None:
    assert classify(error) is Failure.INFRASTRUCTURE


def test_a_bug_raised_while_a_connection_failed_is_infrastructure() -> None:
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as lost:
            raise RuntimeError("could not record the placement") from lost
    except RuntimeError as error:
        assert classify(error) is Failure.INFRASTRUCTURE


@pytest.mark.parametrize(
    "error",
    [
        LookupError("no rule for this shelter"),
        sa.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
        sqlite3.OperationalError("no such column: shelter_name"),
        asyncpg.ObjectNotInPrerequisiteStateError("cannot do this now"),
        _from_asyncpg(asyncpg.UndefinedColumnError('column "x" does not exist')),
        MessageSizeTooLargeError(),
        sa.DBAPIError("SELECT 1", {}, Exception("bad"), connection_invalidated=False),
    ],
    ids=lambda error: type(error).__name__,
)
def test_anything_else_is_a_bug(error: Exception) -> None:
    assert classify(error) is Failure.BUG


def test_the_log_summary_leaves_out_the_statement_parameters() -> None:
    error = sa.OperationalError(
        "INSERT INTO cases (given_names) VALUES (?)",
        ("Ana Lucía",),
        sqlite3.OperationalError("database is locked"),
    )
    assert "Ana" in str(error)
    assert error_summary(error) == "OperationalError: (sqlite3.OperationalError) database is locked"
