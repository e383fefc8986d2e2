"""What a consumer's failure means for the message: poison (it will never succeed: to the
dead-letter topic at once), infrastructure (the database or Kafka is briefly away: retry
without limit, in order), or a bug (a few tries, then the dead-letter topic).

Retrying an infrastructure error without limit is what keeps a case's events in order: a
dead-lettered event would let the later events of the same case be applied before it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from enum import Enum
from typing import Any

from aiokafka.errors import KafkaError, KafkaTimeoutError
from pydantic import ValidationError
from sqlalchemy import exc as sa


class PoisonMessage(Exception):
    """Raised by a handler for a message that will never succeed (breaks its contract)."""


class Failure(Enum):
    POISON = "poison"
    INFRASTRUCTURE = "infrastructure"
    BUG = "failing"


POISON_ERRORS: tuple[type[BaseException], ...] = (
    PoisonMessage,
    ValidationError,
    json.JSONDecodeError,
    UnicodeDecodeError,
)

_INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    sa.OperationalError,
    sa.InterfaceError,
    sa.TimeoutError,  # the pool had no free connection in time
    sa.DisconnectionError,
    OSError,  # ConnectionError and TimeoutError among them
    KafkaTimeoutError,  # aiokafka does not flag it retriable, yet it is only a slow broker
)

# PostgreSQL's SQLSTATEs of a server that is away, overloaded or being restarted, and of a
# transaction that lost a race (worth the same patient retry): asyncpg's own exceptions
# carry them, and so do SQLAlchemy's translations of them (``orig``)
_INFRASTRUCTURE_SQLSTATE_CLASSES = ("08", "53", "58")
_INFRASTRUCTURE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "57P04", "40001", "40P01"})
# a database closed to connections (ALTER DATABASE ... ALLOW_CONNECTIONS false) has only the
# generic SQLSTATE 55000, so its message tells it apart
_NOT_ACCEPTING = "not currently accepting connections"
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def classify(error: BaseException) -> Failure:
    if isinstance(error, POISON_ERRORS):
        return Failure.POISON
    if any(_is_infrastructure(link) for link in _chain(error)):
        return Failure.INFRASTRUCTURE
    return Failure.BUG


def is_infrastructure(error: BaseException) -> bool:
    return classify(error) is Failure.INFRASTRUCTURE


def _is_infrastructure(error: BaseException) -> bool:
    if isinstance(error, _INFRASTRUCTURE_ERRORS):
        return True
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, KafkaError):
        return bool(error.retriable)
    if isinstance(error, sqlite3.OperationalError):
        return any(busy in str(error) for busy in _SQLITE_BUSY)
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        return (
            sqlstate in _INFRASTRUCTURE_SQLSTATES
            or sqlstate[:2] in _INFRASTRUCTURE_SQLSTATE_CLASSES
            or (sqlstate == "55000" and _NOT_ACCEPTING in str(error))
        )
    return False


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (a SQLAlchemy error's driver error) and what caused it: a
    handler may re-raise a connection failure as its own exception."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            pending.append(orig)
        if current.__cause__ is not None:
            pending.append(current.__cause__)
        if current.__context__ is not None and not current.__suppress_context__:
            pending.append(current.__context__)


def error_summary(error: BaseException) -> str:
    """The error's type and first line, for logs: a SQLAlchemy error's later lines hold the
    statement's parameters, that is, personal data."""
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}"[:300]


def dead_letter_reason(error: BaseException) -> str:
    """The ``dlq_reason`` of a dead letter."""
    if not isinstance(error, ValidationError):
        return f"{type(error).__name__}: {error}"
    # pydantic's own text repeats each bad input, which may be a child's name or a phone
    # number: the reason names the fields and what is wrong, never the values
    problems = "; ".join(
        f"{'.'.join(map(str, item['loc'])) or '(body)'}: {_message(item)}"
        for item in error.errors(include_url=False, include_input=False, include_context=False)
    )
    count = error.error_count()
    plural = "s" if count != 1 else ""
    return f"ValidationError: {count} validation error{plural} for {error.title}: {problems}"


def _message(item: Any) -> str:
    # a validator's own message (value_error, assertion_error) may quote the value
    if item["type"] in ("value_error", "assertion_error"):
        return f"invalid [type={item['type']}]"
    return f"{item['msg']} [type={item['type']}]"
