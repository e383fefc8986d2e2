"""The Keycloak realms: the national one (opi-mx) and the regional one (opi-rcm) define the
roles their services' code requires, every one a member of ``Role``; the client; demo users."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from shared.platform.config import Settings
from shared.platform.roles import Role
from tests.unit.deploy.manifests import ROOT

REGIONAL_PACKAGE = ROOT / "services" / "reporting" / "regional"


def roles_named_in(paths: list[Path]) -> set[str]:
    """Every role this code can require: routes name them through ``Role`` only."""
    named = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_roles":
                for argument in node.args:
                    if isinstance(argument, ast.Constant):
                        pytest.fail(
                            f"{path}:{node.lineno}: name the role through Role, not a string"
                        )
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Role"
            ):
                named.add(Role[node.attr].value)
    return named


def national_code() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "services").rglob("*.py"))
        if not path.is_relative_to(REGIONAL_PACKAGE)
    ]


def regional_code() -> list[Path]:
    return sorted(REGIONAL_PACKAGE.rglob("*.py"))


def realm_roles(realm: dict[str, Any]) -> set[str]:
    return {role["name"] for role in realm["roles"]["realm"]}


def test_realm_roles_are_members_of_the_role_enum(realm, regional_realm):
    known = {role.value for role in Role}
    for each in (realm, regional_realm):
        assert sorted(realm_roles(each) - known) == [], f"{each['realm']}: not in Role"
    # every role the platform knows is some realm's
    assert realm_roles(realm) | realm_roles(regional_realm) == known


def test_national_realm_defines_the_roles_of_the_national_services(realm):
    required = roles_named_in(national_code())
    assert {"opi-officer", "supervisor"} <= required
    assert realm_roles(realm) == required
    # the regional analysts' role is the region's: it would open nothing nationally
    assert Role.REGIONAL_ANALYST.value not in realm_roles(realm)


def test_regional_realm_defines_the_roles_of_regional_reporting(regional_realm):
    required = roles_named_in(regional_code())
    assert required == {Role.REGIONAL_ANALYST.value}
    assert realm_roles(regional_realm) == required


@pytest.mark.parametrize("regional", [False, True], ids=["opi-mx", "opi-rcm"])
def test_realm_has_a_public_client_and_demo_users(realm, regional_realm, regional):
    settings = Settings(reporting_regional=regional)
    chosen = regional_realm if regional else realm
    assert chosen["realm"] == settings.realm
    assert chosen["enabled"] is True
    clients = {client["clientId"]: client for client in chosen["clients"]}
    client = clients[settings.keycloak_client_id]
    assert client["publicClient"] is True
    assert client["directAccessGrantsEnabled"] is True
    defined = realm_roles(chosen)
    granted = set()
    for user in chosen["users"]:
        assert set(user["realmRoles"]) <= defined, user["username"]
        granted |= set(user["realmRoles"])
        # a complete profile, or Keycloak asks for it before issuing tokens
        assert user["email"] and user["firstName"] and user["lastName"], user["username"]
        for credential in user["credentials"]:
            assert "demo-only" in credential["value"], "demo passwords must say so"
            assert "DEMO ONLY" in credential["userLabel"]
    assert granted == defined
