"""docker-compose.yml: each service reaches its database, Keycloak, the collector and the
mail relay as they are actually configured."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from tests.unit.deploy.manifests import (
    DEPLOY,
    REALM_FILE,
    REGIONAL,
    SERVICE_NAMES,
    bind_mounts,
    compose_environment,
    database_password_variable,
    depends_on,
    host_port,
    load,
    service_environment,
    settings_from,
)


def test_notification_mails_through_the_compose_relay(services, monkeypatch):
    settings = settings_from(compose_environment(services["notification"]), monkeypatch)
    relay = services.get(settings.smtp_host)
    assert relay is not None, f"OPI_SMTP_HOST: no compose service {settings.smtp_host}"
    assert relay["image"].startswith("axllent/mailpit:"), "a demo relay that delivers nothing"
    relay_env = compose_environment(relay)
    assert host_port(relay_env["MP_SMTP_BIND_ADDR"])[1] == settings.smtp_port
    assert settings.smtp_host in depends_on(services["notification"])
    assert "healthcheck" in relay
    # its web UI shows the notices (children's data): the host's loopback only
    assert all(str(mapping).startswith("127.0.0.1:") for mapping in relay.get("ports", []))
    assert not any(target.startswith("/") for target in bind_mounts(relay)), "keeps nothing"


def test_service_database_is_created_by_the_postgres_init_script(
    service_name, service_settings, services
):
    url = urlsplit(str(service_settings.database_url))
    database = url.path.lstrip("/")
    assert database == service_name, "one database per service"
    postgres = services["postgres"]
    postgres_env = compose_environment(postgres)
    # init-databases.sh creates, per listed service, a role and a database of that name
    assert database in postgres_env["SERVICE_DATABASES"].split()
    assert url.username == database
    assert url.password == postgres_env[database_password_variable(database)]
    assert url.hostname == "postgres" and url.port == 5432
    assert "postgres" in depends_on(services[service_name])


def test_postgres_init_script_is_mounted_and_knows_every_service(services):
    postgres = services["postgres"]
    postgres_env = compose_environment(postgres)
    mounts = bind_mounts(postgres)
    init_script = DEPLOY / "postgres" / "init-databases.sh"
    assert init_script.resolve() in {
        source
        for target, source in mounts.items()
        if target.startswith("/docker-entrypoint-initdb.d/")
    }
    assert os.access(init_script, os.X_OK), "the postgres image runs executable scripts"
    for service in {*SERVICE_NAMES, "notification", "reporting", REGIONAL}:
        assert service in postgres_env["SERVICE_DATABASES"].split()


def test_service_trusts_the_issuer_keycloak_puts_in_tokens(service_settings, services, realm):
    keycloak = services["keycloak"]
    command = " ".join(keycloak["command"])
    assert "--import-realm" in command
    mounts = bind_mounts(keycloak)
    assert mounts.get(f"/opt/keycloak/data/import/{REALM_FILE.name}") == REALM_FILE.resolve()
    assert service_settings.realm == realm["realm"]
    hostname = service_environment(keycloak)["KC_HOSTNAME"].rstrip("/")
    assert service_settings.issuer == f"{hostname}/realms/{realm['realm']}"
    clients = {client["clientId"]: client for client in realm["clients"]}
    client = clients[service_settings.keycloak_client_id]
    if service_settings.auth_audience:
        audiences = {
            mapper["config"].get("included.client.audience")
            for mapper in client.get("protocolMappers", [])
            if mapper["protocolMapper"] == "oidc-audience-mapper"
            and mapper["config"].get("access.token.claim") == "true"
        }
        assert service_settings.auth_audience in audiences, "tokens would lack the audience"


def test_service_sends_traces_to_the_collector(service_settings, services):
    collector_service = services["otel-collector"]
    (config_flag,) = [arg for arg in collector_service["command"] if arg.startswith("--config=")]
    mounts = bind_mounts(collector_service)
    config_path = mounts[config_flag.removeprefix("--config=")]
    config = load(config_path)
    endpoint = urlsplit(str(service_settings.otlp_endpoint))
    assert endpoint.path == "/v1/traces"
    http_receiver = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert host_port(http_receiver)[1] == endpoint.port
    pipeline = config["service"]["pipelines"]["traces"]
    for kind in ("receivers", "processors", "exporters"):
        for component in pipeline[kind]:
            assert component in config[kind], f"{kind} {component} is not defined"
    for extension in config["service"].get("extensions", []):
        assert extension in config["extensions"]
