"""Fixtures of the deployment-file tests: the parsed compose file, realm and manifests,
and ``service_name``, which runs a test once per registered service."""

from __future__ import annotations

from typing import Any

import pytest

from shared.platform.config import Settings
from tests.unit.deploy.manifests import (
    COMPOSE_FILE,
    K8S,
    REALM_FILE,
    REGIONAL_K8S,
    REGIONAL_REALM_FILE,
    SERVICE_NAMES,
    compose_environment,
    load,
    load_k8s,
    settings_from,
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(COMPOSE_FILE)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module", params=SERVICE_NAMES)
def service_name(request: pytest.FixtureRequest) -> str:
    """Each registered service in turn: the tests using it run once per service."""
    return request.param


@pytest.fixture(scope="module")
def service_env(services: dict[str, dict[str, Any]], service_name: str) -> dict[str, str]:
    assert service_name in services, f"docker-compose.yml has no service {service_name}"
    return compose_environment(services[service_name])


@pytest.fixture
def service_settings(service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_from(service_env, monkeypatch)


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    return load(REALM_FILE)


@pytest.fixture(scope="module")
def regional_realm() -> dict[str, Any]:
    return load(REGIONAL_REALM_FILE)


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) -> manifest, for every document of deploy/k8s but the kustomization."""
    return load_k8s(K8S)


@pytest.fixture(scope="module")
def regional_k8s() -> dict[tuple[str, str], dict[str, Any]]:
    """The same for the region's deployment, deploy/k8s/regional."""
    return load_k8s(REGIONAL_K8S)


@pytest.fixture(scope="module")
def deployment(k8s: dict[tuple[str, str], dict[str, Any]], service_name: str) -> dict[str, Any]:
    assert ("Deployment", service_name) in k8s, f"deploy/k8s has no Deployment {service_name}"
    return k8s[("Deployment", service_name)]


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only
