"""The realm roles the platform knows (Keycloak realm roles, one realm per country)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPI_OFFICER = "opi-officer"
    SUPERVISOR = "supervisor"
    SHELTER_COORDINATOR = "shelter-coordinator"
    REGIONAL_ANALYST = "regional-analyst"
