"""The Dockerfile builds a non-root image running ``opi serve``; .dockerignore fits it."""

from __future__ import annotations

import fnmatch
import json

from opi.registry import SERVICES
from tests.unit.deploy.manifests import (
    ROOT,
    dockerfile_instructions,
)


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
