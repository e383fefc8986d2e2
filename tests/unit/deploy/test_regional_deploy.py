"""Regional (RCM) reporting, ``opi serve reporting --regional``, as deployed: in
docker-compose.yml beside the national instance, with a Kafka of its own that national
reporting feeds, and in deploy/k8s/regional, in a namespace of its own."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from opi.registry import REGIONAL_PORT
from services.reporting.pseudonym import MIN_SECRET_BYTES
from shared.platform.config import Settings
from tests.unit.deploy.manifests import (
    K8S,
    REGIONAL,
    REGIONAL_COMMAND,
    REGIONAL_K8S,
    REGIONAL_REALM_FILE,
    bind_mounts,
    check_k8s_pod_is_locked_down,
    check_k8s_probes_and_ports,
    compose_environment,
    database_password_variable,
    depends_on,
    host_port,
    k8s_environment,
    load,
    regional_settings_from,
    service_environment,
    setting_field,
    settings_from,
)

NATIONAL_ONLY = {
    # the key of the pseudonymous case keys never leaves the country
    "OPI_REPORTING_PSEUDONYM_SECRET",
    "OPI_COUNTRY",
}


@pytest.fixture
def regional(services: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    return regional_settings_from(compose_environment(services[REGIONAL]), monkeypatch)


@pytest.fixture
def national_reporting(services: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_from(compose_environment(services["reporting"]), monkeypatch)


# --- docker-compose.yml --------------------------------------------------------------------


def test_compose_regional_reporting_runs_the_regional_mode(services):
    service = services[REGIONAL]
    assert service["command"] == REGIONAL_COMMAND
    assert service["image"] == services["reporting"]["image"]
    assert service["build"]["context"] == "."
    environment = compose_environment(service)
    assert [name for name in environment if setting_field(name) is None] == []
    assert sorted(NATIONAL_ONLY & set(environment)) == []


def test_compose_regional_reporting_is_configured_for_production(regional, services):
    assert regional.reporting_regional and regional.instance == "rcm"
    assert regional.http_host == "0.0.0.0"
    assert regional.http_port == REGIONAL_PORT
    published = [str(mapping).rsplit(":", 1)[-1] for mapping in services[REGIONAL]["ports"]]
    assert str(REGIONAL_PORT) in published
    assert f"127.0.0.1:{REGIONAL_PORT}/health" in json.dumps(
        services[REGIONAL]["healthcheck"]["test"]
    )
    assert regional.kafka_enable_idempotence is True
    assert regional.kafka_replication_factor == 1
    assert regional.telemetry_exporter == "otlp"
    assert regional.auth_jwks_file is None
    for address in [str(regional.keycloak_url), str(regional.otlp_endpoint)]:
        assert host_port(address)[0] in services, address


def test_compose_regional_reporting_reads_only_the_regional_kafka(
    regional, national_reporting, services
):
    (server,) = regional.kafka_bootstrap_servers.split(",")
    host, _ = host_port(server)
    assert host != "kafka", "regional reporting must not read the national Kafka"
    kafka = services[host]
    assert kafka["image"] == services["kafka"]["image"]
    kafka_env = service_environment(kafka)
    assert f"PLAINTEXT://{server}" in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert kafka_env["CLUSTER_ID"] != service_environment(services["kafka"])["CLUSTER_ID"]
    assert host in depends_on(services[REGIONAL])
    # national reporting publishes the anonymised feed to that same Kafka
    assert national_reporting.regional_kafka_bootstrap_servers == server
    assert host in depends_on(services["reporting"])


def test_compose_national_reporting_has_a_pseudonymisation_secret(national_reporting):
    secret = national_reporting.reporting_pseudonym_secret
    assert secret is not None
    assert len(secret.get_secret_value().encode()) >= MIN_SECRET_BYTES


def test_compose_regional_database_is_created_by_the_init_script(regional, services):
    url = urlsplit(str(regional.database_url))
    assert url.scheme == "postgresql+asyncpg"
    database = url.path.lstrip("/")
    assert database == REGIONAL
    postgres_env = compose_environment(services["postgres"])
    assert database in postgres_env["SERVICE_DATABASES"].split()
    assert url.username == database
    assert url.password == postgres_env[database_password_variable(database)]
    assert url.hostname == "postgres" and url.port == 5432
    assert "postgres" in depends_on(services[REGIONAL])
    national = {
        urlsplit(compose_environment(services[name])["OPI_DATABASE_URL"]).path
        for name in ("intake", "referral", "notification", "reporting")
    }
    assert url.path not in national


def test_compose_regional_reporting_trusts_the_regional_realm(regional, services):
    realm = load(REGIONAL_REALM_FILE)
    keycloak = services["keycloak"]
    mounts = bind_mounts(keycloak)
    assert mounts[f"/opt/keycloak/data/import/{REGIONAL_REALM_FILE.name}"] == (
        REGIONAL_REALM_FILE.resolve()
    )
    assert regional.realm == realm["realm"] == "opi-rcm"
    hostname = service_environment(keycloak)["KC_HOSTNAME"].rstrip("/")
    assert regional.issuer == f"{hostname}/realms/opi-rcm"
    clients = {client["clientId"]: client for client in realm["clients"]}
    client = clients[regional.keycloak_client_id]
    audiences = {
        mapper["config"].get("included.client.audience")
        for mapper in client.get("protocolMappers", [])
        if mapper["protocolMapper"] == "oidc-audience-mapper"
    }
    assert regional.auth_audience in audiences


# --- deploy/k8s/regional ---------------------------------------------------------------------


def test_k8s_regional_kustomization_lists_every_manifest():
    kustomization = load(REGIONAL_K8S / "kustomization.yaml")
    files = {path.name for path in REGIONAL_K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)
    # the region's deployment is its own, not part of a country's
    national = load(K8S / "kustomization.yaml")["resources"]
    assert not any(resource.startswith("regional") for resource in national)


def test_k8s_regional_resources_live_in_the_regional_namespace(regional_k8s):
    assert ("Namespace", "opi-rcm") in regional_k8s
    for (kind, name), manifest in regional_k8s.items():
        if kind != "Namespace":
            assert manifest["metadata"]["namespace"] == "opi-rcm", f"{kind}/{name}"
    namespace = regional_k8s[("Namespace", "opi-rcm")]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert sorted(name for kind, name in regional_k8s if kind == "Deployment") == [REGIONAL]


def test_k8s_regional_deployment(regional_k8s):
    check_k8s_probes_and_ports(regional_k8s, REGIONAL, REGIONAL_PORT, REGIONAL_COMMAND)
    deployment = regional_k8s[("Deployment", REGIONAL)]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    check_k8s_pod_is_locked_down(deployment, container)


def test_k8s_regional_settings(regional_k8s, k8s, monkeypatch):
    (container,) = regional_k8s[("Deployment", REGIONAL)]["spec"]["template"]["spec"]["containers"]
    environment = k8s_environment(regional_k8s, container)
    assert [name for name in environment if setting_field(name) is None] == []
    assert all(isinstance(value, str) for value in environment.values())
    assert "OPI_DATABASE_URL" not in environment, "the database URL holds a password"
    assert sorted(NATIONAL_ONLY & set(environment)) == []
    env = {item["name"]: item for item in container.get("env", [])}
    assert sorted(env) == ["OPI_DATABASE_URL"]
    secret = env["OPI_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert secret["name"] == f"{REGIONAL}-database"

    settings = regional_settings_from(environment, monkeypatch)
    assert settings.http_host == "0.0.0.0"
    assert settings.http_port == REGIONAL_PORT
    assert settings.realm == "opi-rcm"
    assert settings.kafka_enable_idempotence is True
    assert settings.keycloak_url and settings.auth_jwks_file is None
    assert str(settings.data_dir).startswith("/tmp/"), "the only writable path is /tmp"

    (national_container,) = k8s[("Deployment", "reporting")]["spec"]["template"]["spec"][
        "containers"
    ]
    national = settings_from(k8s_environment(k8s, national_container), monkeypatch)
    # national reporting feeds the Kafka regional reporting reads, not its own
    assert national.regional_kafka_bootstrap_servers == settings.kafka_bootstrap_servers
    assert national.kafka_bootstrap_servers != settings.kafka_bootstrap_servers
    for field in ("keycloak_url", "keycloak_client_id", "auth_audience", "otlp_endpoint"):
        assert getattr(national, field) == getattr(settings, field), field


def test_k8s_national_reporting_gets_its_pseudonymisation_secret_from_a_secret(k8s):
    (container,) = k8s[("Deployment", "reporting")]["spec"]["template"]["spec"]["containers"]
    assert "OPI_REPORTING_PSEUDONYM_SECRET" not in k8s_environment(k8s, container)
    env = {item["name"]: item for item in container["env"]}
    secret = env["OPI_REPORTING_PSEUDONYM_SECRET"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "reporting-pseudonym", "key": "secret"}
