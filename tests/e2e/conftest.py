"""End-to-end tests start whole stacks as a user would: slower than the 120 s default allows
on a busy two-core machine."""

from __future__ import annotations

import pytest

E2E_TIMEOUT_SECONDS = 600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_SECONDS))
