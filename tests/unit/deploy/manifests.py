"""Shared loaders, constants and helpers of the deployment-file tests (``tests/unit/deploy``).

The deployment files agree with the code: settings, ports, roles and metric names.

Static checks of ``Dockerfile``, ``.dockerignore``, ``docker-compose.yml`` and ``deploy/``
(no Docker engine or cluster needed); the Prometheus files also go through ``promtool``,
which ``make test`` installs (Debian package ``prometheus``). The per-service checks run for
every service of ``opi.registry.SERVICES``: a service registered there must be deployed.
Regional reporting (``opi serve reporting --regional``) is deployed as ``regional-reporting``
beside them, with a Kafka, a realm and (in Kubernetes) a namespace of its own.
"""

from __future__ import annotations

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
from services.reporting.regional.main import regional_settings
from shared.platform.config import Settings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
K8S = DEPLOY / "k8s"
PROMETHEUS = DEPLOY / "prometheus"
REALM_FILE = DEPLOY / "keycloak" / "realm-opi-mx.json"
REGIONAL_REALM_FILE = DEPLOY / "keycloak" / "realm-opi-rcm.json"
REGIONAL_K8S = K8S / "regional"
# the compose service, scrape job and Kubernetes Deployment of `opi serve reporting --regional`
REGIONAL = "regional-reporting"
REGIONAL_COMMAND = ["serve", "reporting", "--regional"]
DASHBOARD_FILE = DEPLOY / "grafana" / "dashboards" / "opi-operations.json"

SETTING_FIELDS = frozenset(Settings.model_fields)
SERVICE_NAMES = sorted(SERVICES)
DEPLOY_FILES = sorted(
    path for path in DEPLOY.rglob("*") if path.suffix in {".yml", ".yaml", ".json"}
)
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


def regional_settings_from(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The Settings regional reporting runs with: ``opi serve reporting --regional``'s, with
    the regional Kafka as the service's own."""
    settings_from(environment, monkeypatch)
    return regional_settings(Settings(reporting_regional=True))


def database_password_variable(database: str) -> str:
    """The variable deploy/postgres/init-databases.sh reads a database's password from."""
    return database.upper().replace("-", "_") + "_DB_PASSWORD"


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

    from shared.platform import consumer_health, dead_letter, http, outbox_relay

    registry = CollectorRegistry()
    platform_metrics: list[Collector] = [
        http.HTTP_DURATION,
        outbox_relay.RELAYED,
        outbox_relay.RELAY_FAILURES,
        outbox_relay.PENDING,
        outbox_relay.PARKED_NOW,
        dead_letter.DEAD_LETTERS,
        consumer_health.INFRASTRUCTURE_RETRIES,
        consumer_health.STALLED_PARTITIONS,
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


def settings_of_other_services(service: str) -> set[str]:
    """OPI_* variables of settings only another service reads (described "<service>: ...")."""
    return {
        f"OPI_{field.upper()}"
        for field, info in Settings.model_fields.items()
        for other in SERVICES
        if other != service and (info.description or "").startswith(f"{other}:")
    }


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    return {name: interpolate(value) for name, value in service_environment(service).items()}


def k8s_environment(
    k8s: dict[tuple[str, str], dict[str, Any]], container: dict[str, Any]
) -> dict[str, str]:
    """The OPI_* variables the container gets from its ConfigMaps."""
    environment: dict[str, str] = {}
    for ref in container["envFrom"]:
        environment |= k8s[("ConfigMap", ref["configMapRef"]["name"])]["data"]
    return environment


def load_k8s(directory: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) -> manifest, for every document in ``directory`` but the kustomization."""
    manifests = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in load_all(path):
            key = (document["kind"], document["metadata"]["name"])
            assert key not in manifests, f"{key} is defined twice"
            manifests[key] = document
    return manifests


def check_k8s_probes_and_ports(
    k8s: dict[tuple[str, str], dict[str, Any]], name: str, port: int, command: list[str]
) -> None:
    """The Deployment ``name`` listens on ``port``, is probed on /health, scraped on /metrics,
    reached through its Service and runs ``command``."""
    deployment = k8s[("Deployment", name)]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    ports = {item["name"]: item["containerPort"] for item in container["ports"]}
    assert port in ports.values()

    def resolve(value: int | str) -> int:
        return ports[value] if isinstance(value, str) else value

    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        action = container[probe]["httpGet"]
        assert action["path"] == "/health", probe
        assert resolve(action["port"]) in ports.values(), probe

    service = k8s[("Service", name)]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    for item in service["spec"]["ports"]:
        assert resolve(item["targetPort"]) in ports.values()
    assert port in {item["port"] for item in service["spec"]["ports"]}
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) in ports.values()
    assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"
    assert container["args"] == command
    assert deployment["spec"]["replicas"] == 2

    budget = k8s[("PodDisruptionBudget", name)]
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert 1 <= budget["spec"]["minAvailable"] < deployment["spec"]["replicas"]


def check_k8s_pod_is_locked_down(deployment: dict[str, Any], container: dict[str, Any]) -> None:
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
