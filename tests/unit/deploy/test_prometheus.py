"""Prometheus (checked with ``promtool``, which ``make test`` installs: Debian package
``prometheus``) and the Grafana dashboard: scrape jobs, alert rules and queries."""

from __future__ import annotations

import yaml

from opi.registry import SERVICES
from tests.unit.deploy.manifests import (
    DASHBOARD_FILE,
    DEPLOY,
    PROMETHEUS,
    REGIONAL,
    SERVICE_NAMES,
    alert_rules,
    bind_mounts,
    dashboard_targets,
    exposed_metric_names,
    host_port,
    load,
    metric_names_in,
    promtool,
)


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
    assert sorted(opi_jobs) == sorted(f"opi-{name}" for name in [*SERVICE_NAMES, REGIONAL])


def test_alerts_cover_the_operational_risks():
    rules = alert_rules()
    text = {rule["alert"]: rule["expr"] for rule in rules}
    covered = " ".join(text.values())
    for needle in [
        "up{",
        "opi_outbox_pending_messages",
        "opi_outbox_parked_messages",
        "opi_consumer_stalled_partitions",
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
