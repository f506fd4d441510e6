"""Every CLI command, its options and every setting is documented in the README."""

import re
from pathlib import Path

import click

from search_app import SETTINGS, create_app
from web.params import PARAMETERS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
OWN_COMMANDS = {"ingest", "inspect", "reindex", "reprocess", "topics retrain", "check", "worker",
                "user create", "user list", "user delete", "user passwd", "token create", "token list", "token revoke",
                "snapshot", "similar rebuild", "alerts send", "alerts list", "alerts delete"}
FLASK_COMMANDS = {"run", "shell", "routes"}


def _commands(tmp_path: Path) -> dict[str, click.Command]:
    """Every command the project registers, a group's as "group sub"."""
    app = create_app({"ARCHIVE_DIR": str(tmp_path / "store")})
    out = {}
    for name, cmd in app.cli.commands.items():
        if name in FLASK_COMMANDS:
            continue
        if isinstance(cmd, click.Group):
            out.update({f"{name} {sub}": subcmd for sub, subcmd in cmd.commands.items()})
        else:
            out[name] = cmd
    return out


def test_every_command_is_in_the_readme(tmp_path: Path):
    commands = _commands(tmp_path)
    assert set(commands) == OWN_COMMANDS
    for name in commands:
        assert f"flask --app search_app {name}" in README, f"README lacks the command {name}"


def test_every_command_option_is_in_the_readme(tmp_path: Path):
    for name, command in _commands(tmp_path).items():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert re.search(rf"`[^`]*{re.escape(opt)}\b", README), f"README lacks {name} {opt}"


def test_every_setting_is_in_the_readme():
    for key in SETTINGS:
        assert f"`{key}`" in README, f"README lacks the setting {key}"


def test_every_search_parameter_is_in_the_readme():
    api = README[README.index("### API"):]
    for name in PARAMETERS:
        assert f"`{name}`" in api, f"README's API section lacks the parameter {name}"
