"""``opi simulate``: the typer command finds the dev instance's services and mints tokens."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from opi.simulation.command import dev_tokens, service_urls, simulate_command
from shared.platform.config import Settings
from shared.platform.dev_identity import identity_dir


def test_service_urls_come_from_the_dev_manifest(tmp_path) -> None:
    with pytest.raises(typer.BadParameter, match="opi dev"):
        service_urls(tmp_path, "MX")
    services = {"intake": "http://127.0.0.1:8001", "referral": "http://127.0.0.1:8002"}
    (tmp_path / "dev.json").write_text(json.dumps({"mx": {"services": services}}))
    assert service_urls(tmp_path, "MX") == services
    with pytest.raises(typer.BadParameter, match="no instance GT"):
        service_urls(tmp_path, "GT")


def test_tokens_are_signed_with_the_realm_dev_key(tmp_path) -> None:
    settings = Settings(country="HN", data_dir=tmp_path)
    token = dev_tokens(settings)("opi-officer")
    assert token.count(".") == 2
    assert (identity_dir(tmp_path, "opi-hn") / "jwks.json").exists()


def test_the_command_plugs_into_a_typer_app() -> None:
    app = typer.Typer()
    app.command("simulate")(simulate_command)
    app.command("other")(lambda: None)  # with two commands typer keeps the subcommand name
    result = CliRunner().invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in ("--country", "--rate", "--duration", "--seed", "--speed"):
        assert option in result.output
