"""Deployment artefacts stay honest: prod settings, Docker files, the env table."""

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra: dict, drop=("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")):
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "site_config.settings.prod", **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_prod_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "api.example.com"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_prod_refuses_to_start_without_secret_key():
    result = _manage("check", env_extra={"ALLOWED_HOSTS": "api.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_prod_refuses_a_weak_secret_key_and_missing_allowed_hosts():
    weak = _manage("check", env_extra={"SECRET_KEY": "short", "ALLOWED_HOSTS": "api.example.com"})
    assert weak.returncode != 0 and "too weak" in weak.stderr
    no_hosts = _manage("check", env_extra={"SECRET_KEY": secrets.token_urlsafe(64)})
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS is not set" in no_hosts.stderr


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(64))
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY))",
        env_extra={"SECRET_KEY_FILE": str(key_file), "ALLOWED_HOSTS": "api.example.com"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(key_file.read_text()))


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_has_every_service_with_a_healthcheck():
    services = _compose()["services"]
    assert {"web", "worker", "postgres", "redis", "minio"} <= set(services)
    for name, service in services.items():
        if service.get("restart") != "no":  # one-shot jobs (migrate, minio-setup) exit
            assert "healthcheck" in service, f"{name} has no healthcheck"
            assert service["healthcheck"]["test"], name
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
    assert services["worker"]["command"] == ["worker"]
    assert services["worker-heavy"]["command"] == ["worker-heavy"]
    assert services["web"]["environment"]["SANDBOX_URL"] == "http://sandbox:8800"
    assert "sandbox" in services["web"]["depends_on"]
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "site_config.settings.prod"


def test_compose_variables_are_documented_in_env_example():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    documented = (ROOT / ".env.example").read_text()
    for var in set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text)):
        assert re.search(rf"^#? ?{var}=", documented, re.M), f"{var} is not in .env.example"


def test_dockerfile_is_slim_non_root_and_serves_gunicorn():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert entrypoint.stat().st_mode & stat.S_IXUSR
    assert "exec gunicorn" in entrypoint.read_text()
    assert "exec python manage.py qcluster" in entrypoint.read_text()
    # every copied path and referenced file exists
    assert (ROOT / "requirements.txt").exists()


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    table_vars = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    pattern = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    missing = set()
    for module in (ROOT / "site_config" / "settings").glob("*.py"):
        for name in pattern.findall(module.read_text()):
            if name not in table_vars:
                missing.add(f"{name} ({module.name})")
    assert not missing, f"settings missing from the README env table: {sorted(missing)}"


def test_sentry_is_enabled_only_when_a_dsn_is_set():
    probe = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    common = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "api.example.com"}
    off = _manage("shell", "--no-imports", "-c", probe, env_extra=common, drop=("SENTRY_DSN", "SECRET_KEY"))
    on = _manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        env_extra=common | {"SENTRY_DSN": "http://public@127.0.0.1:9/1"},  # nothing listens: never sent
    )
    assert (off.stdout.strip(), on.stdout.strip()) == ("False", "True"), off.stderr + on.stderr


STRONG = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "api.example.com"}


@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SIGNING_KEY", "SANDBOX_TOKEN"])
@pytest.mark.parametrize(
    "value",
    ["abc", "a" * 64, "dev-" + secrets.token_urlsafe(64)],
    ids=["short", "one-character", "dev-prefix"],
)
def test_prod_applies_the_key_strength_rule_to_every_own_secret(name, value):
    result = _manage("check", env_extra=STRONG | {name: value})
    assert result.returncode != 0
    assert f"{name} is too weak for production" in result.stderr


def test_prod_accepts_strong_jwt_key_and_sandbox_token():
    result = _manage(
        "check",
        env_extra=STRONG
        | {"JWT_SIGNING_KEY": secrets.token_urlsafe(64), "SANDBOX_TOKEN": secrets.token_urlsafe(64)},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("password", [None, "demo-pass-1234", "password"])
def test_load_demo_refuses_in_prod_without_a_strong_demo_password_of_its_own(tmp_path, password):
    """No demo superuser with the public (or a weak) password, and nothing written."""
    database = tmp_path / "prod.sqlite3"
    extra = STRONG | {"DATABASE_URL": f"sqlite:///{database}"}
    if password is not None:
        extra["DEMO_PASSWORD"] = password
    drop = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DEMO_PASSWORD")
    result = _manage("load_demo", env_extra=extra, drop=drop)
    assert result.returncode != 0
    assert "load_demo refuses: DEMO_PASSWORD" in result.stderr
    assert not database.exists() or database.stat().st_size == 0
