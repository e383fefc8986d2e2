"""deploy/k8s: every registered service is deployed, probed, configured and locked down."""

from __future__ import annotations

from opi.registry import SERVICES
from tests.unit.deploy.manifests import (
    K8S,
    SERVICE_NAMES,
    SHARED_SETTINGS,
    check_k8s_pod_is_locked_down,
    check_k8s_probes_and_ports,
    k8s_environment,
    load,
    setting_field,
    settings_from,
    settings_of_other_services,
)


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


def test_k8s_deployment_probes_ports_and_budget(k8s, service_name):
    port = SERVICES[service_name].default_port
    check_k8s_probes_and_ports(k8s, service_name, port, ["serve", service_name])


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
    check_k8s_pod_is_locked_down(deployment, container)
