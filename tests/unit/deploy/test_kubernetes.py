"""deploy/k8s: every registered service is deployed, probed, configured and locked down."""

from __future__ import annotations

from opi.registry import SERVICES
from tests.unit.deploy.manifests import (
    K8S,
    SERVICE_NAMES,
    SHARED_SETTINGS,
    dockerfile_instructions,
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
