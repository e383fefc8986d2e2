"""Synthetic identities: names, birth dates, languages, documents and family contacts that
look like a real register's, so that tests can prove none of them reaches the region."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from opi.simulation.names import HAITI, HAITIAN_PARENTS_SHARE, MOBILES, RELATIONSHIPS, STYLES
from opi.simulation.names import NameStyle as Style
from opi.simulation.population import Arrival
from opi.simulation.weighted import chance, from_counts, weighted
from services.intake.rules import age_in_years
from shared.contracts.enums import AgeGroup, DocumentType, Sex

# Lone adolescents are mostly 15–17 (UPM tables by single year of age, rounded).
AGES_ALONE_ADOLESCENT = from_counts({12: 8, 13: 12, 14: 17, 15: 20, 16: 22, 17: 21})
DOCUMENT_TYPES = weighted(
    {
        DocumentType.BIRTH_CERTIFICATE: 0.45,
        DocumentType.PASSPORT: 0.40,
        DocumentType.NATIONAL_ID: 0.10,
        DocumentType.CONSULAR_ID: 0.05,
    }
)
FEMALE_RELATIVES = {"mother", "aunt", "grandmother"}
CONTACT_COUNTS = weighted({0: 0.25, 1: 0.55, 2: 0.2})


@dataclass(frozen=True)
class Contact:
    name: str
    relationship: str
    phone: str
    country: str


@dataclass(frozen=True)
class Document:
    type: DocumentType
    number: str
    issuing_country: str


@dataclass(frozen=True)
class Identity:
    given_names: str
    family_names: str
    date_of_birth: date | None  # None: only an estimated age
    date_of_birth_estimated: bool
    age_years: int
    languages: tuple[str, ...]
    documents: tuple[Document, ...]
    contacts: tuple[Contact, ...]


def style_for(nationality: str, rng: random.Random) -> Style:
    if chance(rng, HAITIAN_PARENTS_SHARE.get(nationality, 0.0)):
        return HAITI
    return STYLES.get(nationality, STYLES["HN"])


def sample_identity(arrival: Arrival, detected_on: date, rng: random.Random) -> Identity:
    style = style_for(arrival.nationality, rng)
    age = _age(arrival, rng)
    birth = _birth_date(age, detected_on, rng)
    known = chance(rng, 0.92)  # otherwise the officer only estimates the age
    surnames = _surnames(style, rng)
    return Identity(
        given_names=rng.choice(style.girls if arrival.sex is Sex.FEMALE else style.boys),
        family_names=" ".join(surnames),
        date_of_birth=birth if known else None,
        date_of_birth_estimated=not known or chance(rng, 0.2),
        age_years=age,
        languages=style.languages.pick(rng),
        documents=_documents(arrival, rng),
        contacts=_contacts(arrival, style, surnames, rng),
    )


def _age(arrival: Arrival, rng: random.Random) -> int:
    if arrival.age_group is AgeGroup.ADOLESCENT_12_17:
        return AGES_ALONE_ADOLESCENT.pick(rng) if arrival.alone else rng.randint(12, 17)
    return rng.randint(5, 11) if arrival.alone else rng.randint(0, 11)


def _birth_date(age: int, on: date, rng: random.Random) -> date:
    """A birth date giving exactly ``age`` whole years on ``on``."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + timedelta(days=1)
    birth = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
    assert age_in_years(birth, on) == age
    return birth


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _surnames(style: Style, rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(style.surnames, 2 if style.two_surnames else 1))


def _documents(arrival: Arrival, rng: random.Random) -> tuple[Document, ...]:
    # families from South America and the Caribbean travel with passports more often
    share = 0.55 if arrival.nationality in {"VE", "CO", "EC", "PE", "BR", "CL", "CU"} else 0.3
    if not chance(rng, share):
        return ()
    kind = DOCUMENT_TYPES.pick(rng)
    if kind is DocumentType.PASSPORT:
        number = f"{rng.choice('ABCEGKLNPRT')}{rng.randint(1_000_000, 99_999_999)}"
    else:
        number = str(rng.randint(10**12, 10**13 - 1))  # 13-digit civil registry numbers
    return (Document(kind, number, arrival.nationality),)


def _contacts(
    arrival: Arrival, style: Style, surnames: tuple[str, ...], rng: random.Random
) -> tuple[Contact, ...]:
    count = CONTACT_COUNTS.pick(rng)
    return tuple(_contact(arrival, style, surnames, rng) for _ in range(count))


def _contact(
    arrival: Arrival, style: Style, surnames: tuple[str, ...], rng: random.Random
) -> Contact:
    relationship = RELATIONSHIPS.pick(rng)
    sibling = relationship in {"older sibling", "cousin"}
    female = relationship in FEMALE_RELATIVES or (sibling and chance(rng, 0.5))
    if sibling:
        names = style.girls if female else style.boys
    else:
        names = style.women if female else style.men
    # Spanish naming: the father passes his first family name, the mother hers (second)
    inherited = surnames[-1] if relationship == "mother" else surnames[0]
    family = f"{inherited} {rng.choice(style.surnames)}" if style.two_surnames else inherited
    if sibling:
        family = " ".join(surnames)
    where = _contact_country(arrival, rng)
    return Contact(
        name=f"{rng.choice(names)} {family}",
        relationship=relationship,
        phone=mobile_number(where, rng),
        country=where,
    )


def _contact_country(arrival: Arrival, rng: random.Random) -> str:
    # a lone child is often heading to a parent already in the United States
    in_destination = 0.15 if arrival.returned_national else (0.5 if arrival.alone else 0.3)
    return "US" if chance(rng, in_destination) else arrival.nationality


def mobile_number(country: str, rng: random.Random) -> str:
    calling, prefixes, length = MOBILES.get(country, MOBILES["US"])
    prefix = rng.choice(prefixes)
    rest = length - len(prefix)
    digits = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rest - 1))
    return f"{calling}{prefix}{digits}"
