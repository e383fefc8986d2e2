"""docker-compose.yml: its structure, and each service's settings, port and entry point."""

from __future__ import annotations

import json

from opi.registry import REGIONAL_PORT, SERVICES
from tests.unit.deploy.manifests import (
    REGIONAL,
    REGIONAL_COMMAND,
    ROOT,
    SERVICE_NAMES,
    SHARED_SETTINGS,
    compose_environment,
    depends_on,
    dockerfile_instructions,
    host_port,
    service_environment,
    setting_field,
    settings_from,
    settings_of_other_services,
)


def test_compose_dependencies_exist_and_can_be_met(services):
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, service in services.items():
        for dependency, spec in depends_on(service).items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            assert dependency != name
            condition = spec.get("condition", "service_started")
            assert condition in conditions, f"{name} -> {dependency}: {condition}"
            if condition == "service_healthy":
                assert "healthcheck" in services[dependency], (
                    f"{name} waits for {dependency} to be healthy, which has no healthcheck"
                )


def test_compose_healthchecks_are_well_formed(services):
    for name, service in services.items():
        check = service.get("healthcheck")
        if check is None:
            continue
        test = check["test"]
        assert isinstance(test, str) or test[0] in {"CMD", "CMD-SHELL", "NONE"}, name


def test_compose_volumes_exist(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith(("./", "../", "/")):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"


def test_compose_environment_values_are_strings_or_numbers(services):
    # Compose rejects booleans in environment maps ("true" must be quoted)
    for name, service in services.items():
        for variable, value in service_environment(service).items():
            assert isinstance(value, str | int | float) and not isinstance(value, bool), (
                f"{name}: {variable}={value!r}"
            )


def test_every_registered_service_is_in_compose_and_nothing_else_is_served(services):
    served = {
        name: service["command"]
        for name, service in services.items()
        if service.get("command", [None])[0] == "serve"
    }
    national = {name: command for name, command in served.items() if name != REGIONAL}
    assert sorted(national) == SERVICE_NAMES
    assert all(command == ["serve", name] for name, command in national.items()), national
    assert served[REGIONAL] == REGIONAL_COMMAND
    ports = [SERVICES[name].default_port for name in SERVICE_NAMES] + [REGIONAL_PORT]
    assert len(ports) == len(set(ports)), "two services share a port"


def test_service_environment_names_only_real_settings(service_env):
    unknown = [name for name in service_env if setting_field(name) is None]
    assert unknown == [], f"not fields of shared.platform.config.Settings: {unknown}"


def test_service_sets_only_its_own_service_specific_settings(service_name, service_env):
    foreign = sorted(settings_of_other_services(service_name) & set(service_env))
    assert foreign == [], f"{service_name} does not read {foreign}"


def test_service_is_configured_for_production(
    service_name, service_env, service_settings, services
):
    required = {
        "OPI_COUNTRY",
        "OPI_HTTP_HOST",
        "OPI_DATABASE_URL",
        "OPI_KAFKA_BOOTSTRAP_SERVERS",
        "OPI_KAFKA_ENABLE_IDEMPOTENCE",
        "OPI_KEYCLOAK_URL",
        "OPI_TELEMETRY_EXPORTER",
        "OPI_OTLP_ENDPOINT",
    }
    assert required <= set(service_env)
    settings = service_settings
    assert settings.country == "MX"
    assert settings.http_host == "0.0.0.0"
    assert settings.kafka_enable_idempotence is True
    assert settings.telemetry_exporter == "otlp"
    assert settings.auth_jwks_file is None, "the development JWKS file has no place here"
    assert settings.referral_seed_file is None, "seed shelters are for development only"
    assert settings.notification_recipients_file is None, "seed recipients are for development"
    assert settings.database_url is not None
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.database_url_for(service_name) == settings.database_url
    # every address names a service of the compose file, on a port it listens on
    for address in [
        settings.database_url,
        *settings.kafka_bootstrap_servers.split(","),
        str(settings.keycloak_url),
        str(settings.otlp_endpoint),
    ]:
        host, _port = host_port(address)
        assert host in services, f"{address}: no compose service {host}"
    kafka_env = service_environment(services["kafka"])
    for server in settings.kafka_bootstrap_servers.split(","):
        assert f"PLAINTEXT://{server}" in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert settings.kafka_replication_factor == 1, "a single Kafka node holds one replica"


def test_services_agree_on_the_shared_settings(services, monkeypatch):
    values = {
        name: {
            field: getattr(settings_from(compose_environment(services[name]), monkeypatch), field)
            for field in SHARED_SETTINGS
        }
        for name in SERVICE_NAMES
    }
    first = SERVICE_NAMES[0]
    for name in SERVICE_NAMES[1:]:
        assert values[name] == values[first], f"{name} and {first} disagree"


def test_service_port_agrees_everywhere(service_name, service_settings, services):
    port = SERVICES[service_name].default_port
    assert (service_settings.http_port or port) == port
    published = [str(mapping).rsplit(":", 1)[-1] for mapping in services[service_name]["ports"]]
    assert str(port) in published
    health = json.dumps(services[service_name]["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/health" in health
    exposed = {int(rest) for keyword, rest in dockerfile_instructions() if keyword == "EXPOSE"}
    if port not in exposed:
        # the image's own HEALTHCHECK probes OPI_HTTP_PORT, else the port it EXPOSEs
        assert service_settings.http_port == port, "set OPI_HTTP_PORT"


def test_service_runs_the_production_entry_point(service_name, services):
    service = services[service_name]
    assert service["build"]["context"] == "."
    command = service["command"]
    assert command[:2] == ["serve", service_name], "the image's entrypoint is `opi`"
    images = {services[name]["image"] for name in [*SERVICE_NAMES, REGIONAL]}
    assert len(images) == 1, f"one image for every service: {images}"
