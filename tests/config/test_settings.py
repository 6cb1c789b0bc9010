"""Settings come from the environment; production refuses to start without its secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-" + "k3j4h5g6f7d8s9a0" * 3,
    "DJANGO_ALLOWED_HOSTS": "kb.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = manage("check", **{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_need_no_environment():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def documented_intranet_configuration() -> dict[str, str]:
    """The variables docs/deployment.md's "On an intranet" sets, placeholders filled with real
    values."""
    page = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = page.split("## On an intranet", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    placeholders = {"<a long random string>": PRODUCTION["DJANGO_SECRET_KEY"]}
    env = {}
    for line in block.splitlines():
        assignment = line.split("#", 1)[0].strip()
        if re.fullmatch(r"[A-Z_]+=.+", assignment):
            name, value = assignment.split("=", 1)
            for placeholder, real in placeholders.items():
                value = value.replace(placeholder, real)
            env[name] = re.sub(r"<[^>]+>", "secret", value)
    return env


def test_the_documented_intranet_configuration_passes_the_deploy_check_with_no_warnings():
    env = documented_intranet_configuration()
    assert env["DJANGO_DEBUG"] == "0" and env["PRAVILA_LOGIN_REQUIRED"] == "1"
    assert env["DJANGO_SECRET_KEY"] == PRODUCTION["DJANGO_SECRET_KEY"]
    assert env["DATABASE_URL"].startswith("postgres://")
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
