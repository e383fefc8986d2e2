"""What the recipients directory accepts: signed https webhooks (plain http only to this
machine), valid e-mail addresses, nothing unknown; errors say which field is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.notification.schemas import RecipientIn
from shared.contracts.notification import Channel

SECRET = "consulate-shared-secret-0001"


def webhook(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Consulado General de Guatemala",
        "channel": "webhook",
        "address": "https://consulado.example.org/opi/notices",
        "secret": SECRET,
        "contact": "+52 55 5555 0000",
        **changes,
    }


def email(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Procuraduría de Protección",
        "channel": "email",
        "address": "avisos@procuraduria.example.org",
        **changes,
    }


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        RecipientIn.model_validate(body)
    return list(caught.value.errors())


def names(errors: list[dict[str, Any]], field: str) -> bool:
    """The field is named: in the error's location, or (model-level checks) its message."""
    return any(
        field in error["loc"] or error["msg"].startswith(f"Value error, {field}:")
        for error in errors
    )


@pytest.mark.parametrize(
    "address",
    [
        "https://consulado.example.org/opi/notices",
        "https://10.0.0.7:8443/hooks?x=1",
        "http://127.0.0.1:8099/hooks/gt",
        "http://localhost/hooks",
        "http://[::1]:8080/hooks",
        "  https://consulado.example.org/padded  ",
    ],
)
def test_valid_webhooks(address: str) -> None:
    recipient = RecipientIn.model_validate(webhook(address=address))
    assert recipient.channel is Channel.WEBHOOK
    assert recipient.address == address.strip()
    assert recipient.secret == SECRET


@pytest.mark.parametrize(
    "address",
    ["avisos@procuraduria.example.org", "consul.gt+opi@sre.example.com.mx"],
)
def test_valid_email_recipients(address: str) -> None:
    recipient = RecipientIn.model_validate(email(address=address))
    assert recipient.channel is Channel.EMAIL and recipient.address == address
    assert recipient.secret is None and recipient.contact is None


@pytest.mark.parametrize(
    "address",
    [
        "http://consulado.example.org/hooks",  # plain http off this machine
        "http://10.0.0.7/hooks",
        "http://127.0.0.2/hooks",
        "http://127.0.0.1.evil.example/hooks",
        "http://localhost.evil.example/hooks",
        "http://localhost@evil.example/hooks",  # userinfo: the host is evil.example
        "ftp://consulado.example.org/hooks",
        "ws://localhost/hooks",
        "consulado.example.org/hooks",
        "avisos@procuraduria.example.org",
    ],
)
def test_a_webhook_must_be_https_except_to_loopback(address: str) -> None:
    errors = errors_of(webhook(address=address))
    assert names(errors, "address"), errors


@pytest.mark.parametrize("secret", [None, ""])
def test_a_webhook_without_secret_is_refused(secret: str | None) -> None:
    body = webhook(secret=secret)
    errors = errors_of(body)
    assert names(errors, "secret"), errors
    del body["secret"]
    assert names(errors_of(body), "secret")


@pytest.mark.parametrize("secret", ["s" * 15, "short", " " * 20, "  fifteen-chars  "])
def test_a_short_secret_is_refused(secret: str) -> None:
    errors = errors_of(webhook(secret=secret))
    assert [error["loc"] for error in errors] == [("secret",)]
    assert errors[0]["type"] == "string_too_short"


def test_a_secret_of_sixteen_characters_is_enough_and_long_ones_are_capped() -> None:
    assert RecipientIn.model_validate(webhook(secret="s" * 16)).secret == "s" * 16
    assert names(errors_of(webhook(secret="s" * 201)), "secret")


@pytest.mark.parametrize(
    "address",
    [
        "not-an-email",
        "avisos@",
        "@procuraduria.example.org",
        "avisos@localhost",
        "avisos@@procuraduria.example.org",
        "avisos procuraduria@example.org",
        "https://consulado.example.org/hooks",
    ],
)
def test_a_bad_email_address_is_refused(address: str) -> None:
    errors = errors_of(email(address=address))
    assert errors and all(error["type"] == "value_error" for error in errors), errors


def test_a_bad_email_address_error_names_the_address_field() -> None:
    assert names(errors_of(email(address="not-an-email")), "address")


@pytest.mark.parametrize("channel", ["sms", "WEBHOOK", "fax", "", None])
def test_an_unknown_channel_is_refused(channel: Any) -> None:
    errors = errors_of(webhook(channel=channel))
    assert [error["loc"] for error in errors] == [("channel",)]


@pytest.mark.parametrize("extra", ["token", "headers", "has_secret", "kind"])
def test_an_extra_field_is_refused(extra: str) -> None:
    errors = errors_of(email(**{extra: "x"}))
    assert [(error["loc"], error["type"]) for error in errors] == [((extra,), "extra_forbidden")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "n" * 201),
        ("address", "a@"),  # under three characters once the checks run
        ("address", "https://" + "x" * 500),
        ("contact", "c" * 301),
    ],
)
def test_field_lengths_are_checked(field: str, value: str) -> None:
    errors = errors_of(webhook(**{field: value}))
    assert names(errors, field), errors


@pytest.mark.parametrize("missing", ["name", "channel", "address"])
def test_required_fields(missing: str) -> None:
    body = webhook()
    del body[missing]
    errors = errors_of(body)
    assert (missing,) in [error["loc"] for error in errors]


@pytest.mark.parametrize("address", ["https://", "https:/hooks", "https://exa mple.org/h"])
def test_a_webhook_needs_a_host(address: str) -> None:
    assert names(errors_of(webhook(address=address)), "address")
