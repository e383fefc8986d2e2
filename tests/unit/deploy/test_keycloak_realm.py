"""The Keycloak realm: roles the code requires, the client, demo users."""

from __future__ import annotations

import ast

import pytest

from shared.platform.config import Settings
from shared.platform.roles import Role
from tests.unit.deploy.manifests import (
    PLANNED_ROLES,
    ROOT,
)


def roles_required_by_code() -> set[str]:
    """Every role the services can require: routes name them through ``Role`` only."""
    for path in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_roles":
                for argument in node.args:
                    if isinstance(argument, ast.Constant):
                        pytest.fail(
                            f"{path}:{node.lineno}: name the role through Role, not a string"
                        )
    return {role.value for role in Role}


def test_realm_defines_every_role_the_code_requires(realm):
    defined = {role["name"] for role in realm["roles"]["realm"]}
    required = roles_required_by_code()
    assert {"opi-officer", "supervisor"} <= required
    assert sorted(required - defined) == []
    assert defined >= PLANNED_ROLES


def test_realm_has_a_public_client_and_demo_users(realm):
    assert realm["realm"] == f"opi-{Settings().country.lower()}"
    assert realm["enabled"] is True
    clients = {client["clientId"]: client for client in realm["clients"]}
    client = clients[Settings().keycloak_client_id]
    assert client["publicClient"] is True
    assert client["directAccessGrantsEnabled"] is True
    defined = {role["name"] for role in realm["roles"]["realm"]}
    granted = set()
    for user in realm["users"]:
        assert set(user["realmRoles"]) <= defined, user["username"]
        granted |= set(user["realmRoles"])
        # a complete profile, or Keycloak asks for it before issuing tokens
        assert user["email"] and user["firstName"] and user["lastName"], user["username"]
        for credential in user["credentials"]:
            assert "demo-only" in credential["value"], "demo passwords must say so"
            assert "DEMO ONLY" in credential["userLabel"]
    assert granted == defined
