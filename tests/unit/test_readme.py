"""The README keeps its promises: it opens with the two commands and documents every setting."""

from pathlib import Path

from shared.platform.config import Settings

README = (Path(__file__).parents[2] / "README.md").read_text()
CI = (Path(__file__).parents[2] / ".ci" / "run").read_text()


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in CI


def test_every_setting_is_documented() -> None:
    missing = [
        f"OPI_{name.upper()}"
        for name in Settings.model_fields
        if f"`OPI_{name.upper()}`" not in README
    ]
    assert not missing, f"document these settings in the README: {missing}"
