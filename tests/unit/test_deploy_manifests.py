"""The deployment files agree with the code: settings, ports, roles and metric names.

Static checks of ``Dockerfile``, ``.dockerignore``, ``docker-compose.yml`` and ``deploy/``
(no Docker engine or cluster needed); the Prometheus files also go through ``promtool``,
which ``make test`` installs (Debian package ``prometheus``). The per-service checks run for
every service of ``opi.registry.SERVICES``: a service registered there must be deployed.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.registry import Collector

from opi.registry import SERVICES
from shared.platform.config import Settings
from shared.platform.roles import Role

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
K8S = DEPLOY / "k8s"
PROMETHEUS = DEPLOY / "prometheus"
REALM_FILE = DEPLOY / "keycloak" / "realm-opi-mx.json"
DASHBOARD_FILE = DEPLOY / "grafana" / "dashboards" / "opi-operations.json"

SETTING_FIELDS = frozenset(Settings.model_fields)
SERVICE_NAMES = sorted(SERVICES)
DEPLOY_FILES = sorted(
    path for path in DEPLOY.rglob("*") if path.suffix in {".yml", ".yaml", ".json"}
)
# Roles the realm defines for services still to come (reporting).
PLANNED_ROLES = {"regional-analyst"}
# Settings every service of an instance must agree on: they share one Kafka (topics are
# created by whichever service starts first), one realm and one tracing pipeline.
SHARED_SETTINGS = [
    "country",
    "kafka_bootstrap_servers",
    "kafka_enable_idempotence",
    "kafka_topic_partitions",
    "kafka_replication_factor",
    "keycloak_url",
    "keycloak_client_id",
    "realm",
    "issuer",
    "auth_audience",
    "telemetry_exporter",
    "otlp_endpoint",
]


# --- helpers -------------------------------------------------------------------------------


def load(path: Path) -> Any:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def load_all(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def setting_field(variable: str) -> str | None:
    """``OPI_KAFKA_BOOTSTRAP_SERVERS`` -> ``kafka_bootstrap_servers``, if that is a field."""
    if not variable.startswith("OPI_") or variable != variable.upper():
        return None
    name = variable.removeprefix("OPI_").lower()
    return name if name in SETTING_FIELDS else None


def settings_from(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The Settings a process would build from exactly these OPI_* variables."""
    for name in list(os.environ):
        if name.upper().startswith("OPI_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Settings()


_VARIABLE = re.compile(r"\$(?:\$|\{(?P<braced>[^}]+)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: object) -> str:
    """Compose's variable substitution, as with an empty environment: only defaults count."""
    text = str(value)

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        expression = match.group("braced") or match.group("plain")
        for separator in (":-", "-"):
            if separator in expression:
                return expression.split(separator, 1)[1]
        raise AssertionError(f"${{{expression}}} has no default in docker-compose.yml")

    return _VARIABLE.sub(substitute, text)


def service_environment(service: dict[str, Any]) -> dict[str, Any]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return environment


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    dependencies = service.get("depends_on", {})
    if isinstance(dependencies, list):
        return {name: {"condition": "service_started"} for name in dependencies}
    return dependencies


def bind_mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path -> host path of the service's bind mounts (``./...`` sources)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume["target"]
        else:
            source, target = volume.split(":")[:2]
        if source.startswith(("./", "../", "/")):
            mounts[target] = (ROOT / source).resolve()
        # named volumes are checked against the top-level volumes: key
    return mounts


def host_port(address: str) -> tuple[str, int]:
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    assert parts.hostname and parts.port, f"{address!r} names no host and port"
    return parts.hostname, parts.port


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("promtool")
    if executable is None:
        pytest.fail(
            "promtool is not installed: run `make system-deps` "
            "(or `apt-get install prometheus`); the Prometheus files cannot be checked without it",
            pytrace=False,
        )
    result = subprocess.run(
        [executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, f"promtool {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def exposed_names(registry: CollectorRegistry) -> set[str]:
    """Names of the series a registry exposes, with the suffixes Prometheus sees."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("_count", "_sum", "_created"),
    }
    names = set()
    for family in registry.collect():
        names.update(f"{family.name}{suffix}" for suffix in suffixes.get(family.type, ("",)))
    return names


def service_metrics() -> list[Collector]:
    """The metrics services define themselves: module-level prometheus_client metrics of
    each registered service's package (referral's sweeper, ...)."""
    found: dict[int, Collector] = {}
    for name in SERVICE_NAMES:
        package = SERVICES[name].factory.split(":")[0].rsplit(".", 1)[0]
        for path in sorted((ROOT / package.replace(".", "/")).glob("*.py")):
            module = import_module(f"{package}.{path.stem}")
            for value in vars(module).values():
                if isinstance(value, MetricWrapperBase):
                    found[id(value)] = value
    return list(found.values())


@cache
def exposed_metric_names() -> frozenset[str]:
    """Every metric a service's /metrics can expose: the platform's, FastStream's and the
    service's own."""
    from faststream.kafka.prometheus import KafkaPrometheusMiddleware

    from shared.platform import dead_letter, http, outbox_relay

    registry = CollectorRegistry()
    platform_metrics: list[Collector] = [
        http.HTTP_DURATION,
        outbox_relay.RELAYED,
        outbox_relay.RELAY_FAILURES,
        outbox_relay.PENDING,
        dead_letter.DEAD_LETTERS,
    ]
    for metric in [*platform_metrics, *service_metrics()]:
        registry.register(metric)
    # as shared/platform/messaging.py builds it
    KafkaPrometheusMiddleware(registry=registry, app_name="opi_service")
    return frozenset(exposed_names(registry))


_METRIC_TOKEN = re.compile(r"\b(?:opi|faststream)_[A-Za-z0-9_:]+")


def metric_names_in(expression: str) -> set[str]:
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)
    return set(_METRIC_TOKEN.findall(without_strings))


def dashboard_targets(dashboard: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    pairs = []
    for panel in dashboard["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            pairs.extend((inner, target) for target in inner.get("targets", []))
    return pairs


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load(PROMETHEUS / "alerts.yml")["groups"] for rule in group["rules"]]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore match, simplified (no ``!`` exceptions): a pattern matches a
    path or any of its parent directories; ``**/name`` matches at any depth."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in (pattern.strip("/") for pattern in patterns):
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern.removeprefix("**/")) for part in parts):
                return True
        elif any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            return True
    return False


def settings_of_other_services(service: str) -> set[str]:
    """OPI_* variables of settings only another service reads (described "<service>: ...")."""
    return {
        f"OPI_{field.upper()}"
        for field, info in Settings.model_fields.items()
        for other in SERVICES
        if other != service and (info.description or "").startswith(f"{other}:")
    }


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


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(COMPOSE_FILE)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    return {name: interpolate(value) for name, value in service_environment(service).items()}


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
def k8s() -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) -> manifest, for every document under deploy/k8s but the kustomization."""
    manifests = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in load_all(path):
            key = (document["kind"], document["metadata"]["name"])
            assert key not in manifests, f"{key} is defined twice"
            manifests[key] = document
    return manifests


@pytest.fixture(scope="module")
def deployment(k8s: dict[tuple[str, str], dict[str, Any]], service_name: str) -> dict[str, Any]:
    assert ("Deployment", service_name) in k8s, f"deploy/k8s has no Deployment {service_name}"
    return k8s[("Deployment", service_name)]


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


# --- every file ----------------------------------------------------------------------------


def test_the_deployment_files_exist():
    expected = [
        "docker-compose.yml",
        "Dockerfile",
        ".dockerignore",
        "deploy/postgres/init-databases.sh",
        "deploy/keycloak/realm-opi-mx.json",
        "deploy/prometheus/prometheus.yml",
        "deploy/prometheus/alerts.yml",
        "deploy/prometheus/alerts.test.yml",
        "deploy/grafana/provisioning/datasources/prometheus.yml",
        "deploy/grafana/provisioning/dashboards/opi.yml",
        "deploy/grafana/dashboards/opi-operations.json",
        "deploy/otel/collector.yaml",
        "deploy/k8s/kustomization.yaml",
    ]
    assert [name for name in expected if not (ROOT / name).is_file()] == []


@pytest.mark.parametrize(
    "path", [COMPOSE_FILE, *DEPLOY_FILES], ids=lambda path: str(path.relative_to(ROOT))
)
def test_file_parses(path):
    if path.suffix == ".json":
        assert json.loads(path.read_text())
    else:
        documents = load_all(path)
        assert documents and all(isinstance(document, dict) for document in documents)


# --- docker-compose.yml --------------------------------------------------------------------


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
        name: service["command"][1]
        for name, service in services.items()
        if service.get("command", [None])[0] == "serve"
    }
    assert sorted(served) == SERVICE_NAMES
    assert all(name == target for name, target in served.items()), served
    ports = [SERVICES[name].default_port for name in SERVICE_NAMES]
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
    images = {services[name]["image"] for name in SERVICE_NAMES}
    assert len(images) == 1, f"one image for every service: {images}"


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
    assert url.password == postgres_env[f"{database.upper()}_DB_PASSWORD"]
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
    for service in {*SERVICE_NAMES, "notification", "reporting"}:
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


# --- Prometheus ----------------------------------------------------------------------------


def test_promtool_accepts_the_prometheus_config():
    promtool("check", "config", "deploy/prometheus/prometheus.yml")


def test_promtool_accepts_the_alert_rules():
    promtool("check", "rules", "deploy/prometheus/alerts.yml")


def test_alert_rules_fire_as_their_unit_tests_expect():
    promtool("test", "rules", "deploy/prometheus/alerts.test.yml")


def test_prometheus_scrapes_the_service(service_name, services):
    config = load(PROMETHEUS / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    # the alert rules and the dashboard select the services with job=~"opi-.+"
    job = jobs[f"opi-{service_name}"]
    targets = [target for group in job["static_configs"] for target in group["targets"]]
    assert f"{service_name}:{SERVICES[service_name].default_port}" in targets
    assert service_name in services
    assert job.get("metrics_path", "/metrics") == "/metrics"


def test_prometheus_loads_the_rules_and_scrapes_only_registered_services(services):
    config = load(PROMETHEUS / "prometheus.yml")
    assert config["rule_files"] == ["alerts.yml"]
    assert bind_mounts(services["prometheus"])["/etc/prometheus"] == PROMETHEUS.resolve()
    opi_jobs = {
        job["job_name"] for job in config["scrape_configs"] if job["job_name"].startswith("opi-")
    }
    assert sorted(opi_jobs) == [f"opi-{name}" for name in SERVICE_NAMES]


def test_alerts_cover_the_operational_risks():
    rules = alert_rules()
    text = {rule["alert"]: rule["expr"] for rule in rules}
    covered = " ".join(text.values())
    for needle in [
        "up{",
        "opi_outbox_pending_messages",
        "opi_outbox_publish_failures_total",
        "opi_dead_letters_total",
        'status=~"5.."',
        'route="/cases"',
        "opi_referral_pending_placements",
        'opi_notification_attempts_total{job=~"opi-.+", outcome="error"}',
    ]:
        assert needle in covered, f"no alert uses {needle}"
    # the firewall refusing a consular notice is the rule working, not a failure
    assert "blocked" not in covered, 'outcome="blocked" is informational: no alert on it'
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_alerts_and_dashboard_use_metrics_the_services_expose():
    known = exposed_metric_names()
    used = {name for rule in alert_rules() for name in metric_names_in(rule["expr"])}
    for _panel, target in dashboard_targets(load(DASHBOARD_FILE)):
        used |= metric_names_in(target["expr"])
    assert {
        "opi_outbox_pending_messages",
        "faststream_received_messages_total",
        "opi_referral_pending_placements",
        "opi_notification_attempts_total",
    } <= used
    assert sorted(used - known) == [], f"known metrics: {sorted(known)}"


# --- Grafana -------------------------------------------------------------------------------


def test_dashboard_queries_are_valid_promql(tmp_path):
    dashboard = load(DASHBOARD_FILE)
    substitutions = {
        "$__rate_interval": "1m",
        "$__range": "1h",
        "$__interval": "1m",
        # "All": every scrape job of an OPI service
        "$job": dashboard["templating"]["list"][0]["allValue"],
    }
    rules = []
    for number, (panel, target) in enumerate(dashboard_targets(dashboard)):
        expression = target["expr"]
        for variable, value in substitutions.items():
            expression = expression.replace(variable, value)
        assert "$" not in expression, f"{panel['title']}: unknown variable in {expression}"
        rules.append({"record": f"dashboard:query_{number}", "expr": expression})
    assert rules
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    promtool("check", "rules", str(path))


def test_dashboard_is_provisioned_against_the_prometheus_datasource(services):
    provisioning = DEPLOY / "grafana" / "provisioning"
    (datasource,) = load(provisioning / "datasources" / "prometheus.yml")["datasources"]
    assert datasource["type"] == "prometheus"
    host, port = host_port(datasource["url"])
    assert host == "prometheus" and host in services and port == 9090
    (provider,) = load(provisioning / "dashboards" / "opi.yml")["providers"]
    mounts = bind_mounts(services["grafana"])
    assert mounts["/etc/grafana/provisioning"] == provisioning.resolve()
    assert mounts[provider["options"]["path"]] == DASHBOARD_FILE.parent.resolve()

    dashboard = load(DASHBOARD_FILE)
    assert dashboard["uid"] == "opi-operations"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
    for panel, target in dashboard_targets(dashboard):
        for source in (panel.get("datasource"), target.get("datasource")):
            if source is not None:
                assert source["uid"] == datasource["uid"], panel["title"]
    (variable,) = dashboard["templating"]["list"]
    assert variable["datasource"]["uid"] == datasource["uid"]


# --- Keycloak ------------------------------------------------------------------------------


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


# --- Kubernetes ----------------------------------------------------------------------------


def test_k8s_kustomization_lists_every_manifest():
    kustomization = load(K8S / "kustomization.yaml")
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)


def test_k8s_resources_live_in_the_instance_namespace(k8s):
    assert ("Namespace", "opi-mx") in k8s
    for (kind, name), manifest in k8s.items():
        if kind != "Namespace":
            assert manifest["metadata"]["namespace"] == "opi-mx", f"{kind}/{name}"


def test_k8s_deploys_every_registered_service_and_nothing_else(k8s):
    deployments = sorted(name for kind, name in k8s if kind == "Deployment")
    assert deployments == SERVICE_NAMES
    for name in SERVICE_NAMES:
        for kind in ("Service", "PodDisruptionBudget"):
            assert (kind, name) in k8s, f"deploy/k8s has no {kind} {name}"


def test_k8s_deployment_probes_and_ports(k8s, service_name, deployment, container):
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert SERVICES[service_name].default_port in ports.values()

    def resolve(port: int | str) -> int:
        return ports[port] if isinstance(port, str) else port

    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        action = container[probe]["httpGet"]
        assert action["path"] == "/health", probe
        assert resolve(action["port"]) in ports.values(), probe
    assert {"readinessProbe", "livenessProbe"} <= set(container)

    service = k8s[("Service", service_name)]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    for port in service["spec"]["ports"]:
        assert resolve(port["targetPort"]) in ports.values()
    assert SERVICES[service_name].default_port in {
        port["port"] for port in service["spec"]["ports"]
    }
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) in ports.values()
    assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"
    assert container["args"][:2] == ["serve", service_name]
    assert deployment["spec"]["replicas"] == 2


def test_k8s_disruption_budget_keeps_a_replica(k8s, service_name, deployment):
    budget = k8s[("PodDisruptionBudget", service_name)]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert 1 <= budget["spec"]["minAvailable"] < deployment["spec"]["replicas"]


def k8s_environment(
    k8s: dict[tuple[str, str], dict[str, Any]], container: dict[str, Any]
) -> dict[str, str]:
    """The OPI_* variables the container gets from its ConfigMaps."""
    environment: dict[str, str] = {}
    for ref in container["envFrom"]:
        environment |= k8s[("ConfigMap", ref["configMapRef"]["name"])]["data"]
    return environment


def test_k8s_settings_are_real_and_secret_where_they_should_be(
    k8s, service_name, container, monkeypatch
):
    config_maps = [ref["configMapRef"]["name"] for ref in container["envFrom"]]
    for name in config_maps:
        data = k8s[("ConfigMap", name)]["data"]
        unknown = [key for key in data if setting_field(key) is None]
        assert unknown == [], f"ConfigMap {name}: not Settings fields: {unknown}"
        assert all(isinstance(value, str) for value in data.values()), (
            "ConfigMap values are strings"
        )
    environment = k8s_environment(k8s, container)
    assert "OPI_DATABASE_URL" not in environment, "the database URL holds a password"
    foreign = sorted(settings_of_other_services(service_name) & set(environment))
    assert foreign == [], f"{service_name} does not read {foreign}"
    env = {item["name"]: item for item in container.get("env", [])}
    assert [name for name in env if setting_field(name) is None] == []
    secret = env["OPI_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert secret["name"] == f"{service_name}-database"

    environment["OPI_DATABASE_URL"] = (
        f"postgresql+asyncpg://{service_name}:secret@db:5432/{service_name}"
    )
    settings = settings_from(environment, monkeypatch)
    assert settings.http_host == "0.0.0.0"
    assert (settings.http_port or SERVICES[service_name].default_port) in {
        port["containerPort"] for port in container["ports"]
    }
    assert settings.kafka_enable_idempotence is True
    assert settings.keycloak_url and settings.auth_jwks_file is None
    assert settings.referral_seed_file is None, "seed shelters are for development only"
    assert settings.notification_recipients_file is None, "seed recipients are for development"
    assert settings.realm == "opi-mx"
    assert str(settings.data_dir).startswith("/tmp/"), "the only writable path is /tmp"


def test_k8s_services_agree_on_the_shared_settings(k8s, monkeypatch):
    values = {}
    for name in SERVICE_NAMES:
        (container,) = k8s[("Deployment", name)]["spec"]["template"]["spec"]["containers"]
        settings = settings_from(k8s_environment(k8s, container), monkeypatch)
        values[name] = {field: getattr(settings, field) for field in SHARED_SETTINGS}
    first = SERVICE_NAMES[0]
    for name in SERVICE_NAMES[1:]:
        assert values[name] == values[first], f"{name} and {first} disagree"


def test_k8s_pod_is_locked_down(deployment, container):
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    (tmp,) = [mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp"]
    assert "emptyDir" in volumes[tmp["name"]]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind])
    user = next(rest for keyword, rest in dockerfile_instructions() if keyword == "USER")
    assert pod["securityContext"]["runAsUser"] == int(user.split(":")[0])


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_running_opi_serve():
    instructions = dockerfile_instructions()
    bases = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases)
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install --constraint requirements.lock ." in runs
    (entrypoint,) = [json.loads(rest) for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    (command,) = [json.loads(rest) for keyword, rest in instructions if keyword == "CMD"]
    assert entrypoint == ["opi"]
    assert command[0] == "serve" and command[1] in SERVICES
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users, "the image must not run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric user lets Kubernetes check runAsNonRoot"
    (healthcheck,) = [rest for keyword, rest in instructions if keyword == "HEALTHCHECK"]
    assert "/health" in healthcheck and "python" in healthcheck and "curl" not in healthcheck


def test_dockerignore_keeps_local_state_out_but_lets_the_sources_in():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(pattern.startswith("!") for pattern in patterns), "exceptions unsupported here"
    for private in (".venv", ".opi", ".git", ".pytest_cache", "shared/__pycache__"):
        assert dockerignored(private, patterns), private
    copied = []
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY" and "--from=" not in rest:
            copied.extend(rest.split()[:-1])
    assert {"pyproject.toml", "requirements.lock", "README.md", "opi", "shared", "services"} <= set(
        copied
    )
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not dockerignored(source, patterns), f"{source} is copied but .dockerignore'd"
