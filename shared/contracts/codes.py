"""Validated code types shared by events and HTTP bodies: ISO 3166 countries and
subdivisions, E.164 phone numbers.

They are plain ``str`` at runtime, so payloads stay JSON-friendly, but every value
that enters the platform through one of them has been checked against the standard.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import phonenumbers
import pycountry
from pydantic import AfterValidator, Field


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@lru_cache(maxsize=1)
def _subdivision_codes() -> frozenset[str]:
    return frozenset(subdivision.code for subdivision in pycountry.subdivisions)


def check_country(value: str) -> str:
    code = value.upper()
    if code not in _country_codes():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


def check_subdivision(value: str) -> str:
    code = value.upper()
    if code not in _subdivision_codes():
        raise ValueError(f"'{value}' is not an ISO 3166-2 subdivision code (e.g. MX-CHP)")
    return code


def check_e164(value: str) -> str:
    if not value.startswith("+"):
        raise ValueError("a phone number must be in E.164 form, starting with '+'")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"'{value}' is not a phone number: {error}") from error
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"'{value}' is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def subdivision_country(code: str) -> str:
    """The country part of an ISO 3166-2 code: ``MX-CHP`` → ``MX``."""
    return code.split("-", 1)[0]


CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=2, examples=["GT"], description="ISO 3166-1 alpha-2"),
    AfterValidator(check_country),
]
SubdivisionCode = Annotated[
    str,
    Field(min_length=4, max_length=6, examples=["MX-CHP"], description="ISO 3166-2"),
    AfterValidator(check_subdivision),
]
E164Phone = Annotated[
    str,
    Field(min_length=3, max_length=20, examples=["+50255551234"], description="E.164"),
    AfterValidator(check_e164),
]
