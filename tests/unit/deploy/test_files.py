"""Every deployment file exists and parses."""

from __future__ import annotations

import json

import pytest

from tests.unit.deploy.manifests import (
    COMPOSE_FILE,
    DEPLOY_FILES,
    ROOT,
    load_all,
)


def test_the_deployment_files_exist():
    expected = [
        "docker-compose.yml",
        "Dockerfile",
        ".dockerignore",
        "deploy/postgres/init-databases.sh",
        "deploy/keycloak/realm-opi-mx.json",
        "deploy/keycloak/realm-opi-rcm.json",
        "deploy/prometheus/prometheus.yml",
        "deploy/prometheus/alerts.yml",
        "deploy/prometheus/alerts.test.yml",
        "deploy/grafana/provisioning/datasources/prometheus.yml",
        "deploy/grafana/provisioning/dashboards/opi.yml",
        "deploy/grafana/dashboards/opi-operations.json",
        "deploy/otel/collector.yaml",
        "deploy/k8s/kustomization.yaml",
        "deploy/k8s/regional/kustomization.yaml",
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
