"""Secrets and the variables of the settings (docs/operations.md#secrets): every secret
can come from a file (NAME_FILE), .env.example and the README's env table list every
variable the settings read, and production names every missing variable at once."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "site_config" / "settings"

# Every secret the settings read, and where its value lands (a Python expression on
# `settings`). A new secret fails test_every_secret_is_listed until it is added here.
SECRETS = {
    "SECRET_KEY": "settings.SECRET_KEY",
    "JWT_SIGNING_KEY": "settings.SIMPLE_JWT['SIGNING_KEY']",
    "SANDBOX_TOKEN": "settings.SANDBOX_TOKEN",
    "METRICS_TOKEN": "settings.METRICS_TOKEN",
    "ANALYTICS_PSEUDONYM_KEY": "settings.ANALYTICS_PSEUDONYM_KEY",
    "LLM_API_KEY": "settings.LLM_API_KEY",
    "AWS_ACCESS_KEY_ID": "settings.STORAGES['default']['OPTIONS']['access_key']",
    "AWS_SECRET_ACCESS_KEY": "settings.STORAGES['default']['OPTIONS']['secret_key']",
    "TWILIO_ACCOUNT_SID": "settings.TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN": "settings.TWILIO_AUTH_TOKEN",
    "DEMO_PASSWORD": "settings.DEMO_PASSWORD",
    "OPENBADGES_SIGNING_KEY": "settings.OPENBADGES_SIGNING_KEY",
    "OPENBADGES_RETIRED_KEYS": "settings.OPENBADGES_RETIRED_KEYS",
    "ANALYTICS_XAPI_PASSWORD": "settings.ANALYTICS_XAPI_PASSWORD",
    # URLs that carry credentials
    "DATABASE_URL": "settings.DATABASES['default']['PASSWORD']",
    "REDIS_URL": "settings.REDIS_URL",
    "EMAIL_URL": "settings.EMAIL_HOST_PASSWORD",
    "SENTRY_DSN": "settings.SENTRY_DSN",
    # django-anymail's, read by prefix (site_config/settings/mail.py)
    "ANYMAIL_POSTMARK_SERVER_TOKEN": "settings.ANYMAIL['POSTMARK_SERVER_TOKEN']",
}
SECRET_NAME = re.compile(r"(KEY|KEYS|TOKEN|SECRET|PASSWORD|DSN|SID|ACCESS_KEY_ID)$")
CREDENTIAL_URLS = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
READ = re.compile(r"""\b(?:env(?:\.\w+)?|required)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read() -> dict[str, str]:
    """Every variable read under site_config/settings: name -> module."""
    found = {}
    for module in sorted(SETTINGS.glob("*.py")):
        for name in READ.findall(module.read_text()):
            found.setdefault(name, module.name)
    return found


# Reads a setting: manage.py lets a command without settings run when they fail to load.
STARTED = "from django.conf import settings; settings.INSTALLED_APPS; print('started')"


def _ed25519_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


def _clean_env(extra: dict) -> dict:
    names = set(SECRETS) | {
        "ALLOWED_HOSTS",
        "DEBUG",
        "STORAGE_BACKEND",
        "SANDBOX_URL",
        "AWS_STORAGE_BUCKET_NAME",
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if k.removesuffix("_FILE") not in names and not k.startswith(("DJANGO_", "ANYMAIL_", "AWS_"))
    }
    return env | {"DJANGO_SETTINGS_MODULE": "site_config.settings.prod", **extra}


def _shell(code: str, extra: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=_clean_env(extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_secret_is_listed():
    read = variables_read()
    looks_secret = {name for name in read if SECRET_NAME.search(name)} | (CREDENTIAL_URLS & set(read))
    assert looks_secret <= set(SECRETS), f"secrets with no *_FILE test: {sorted(looks_secret - set(SECRETS))}"


def test_every_secret_can_come_from_a_file(tmp_path):
    values = {name: f"{name.lower()}-{secrets.token_urlsafe(48)}" for name in SECRETS}
    values["DATABASE_URL"] = f"postgres://mrict:{values['DATABASE_URL'][:30]}@127.0.0.1:5432/mrict"
    values["REDIS_URL"] = "redis://:redis-pass-from-file@127.0.0.1:6379/0"
    values["EMAIL_URL"] = "smtp+tls://mailer:mail-pass-from-file@smtp.example.com:587"
    values["SENTRY_DSN"] = "http://publickeyfromfile@127.0.0.1:9/1"  # nothing listens: nothing sent
    values["OPENBADGES_SIGNING_KEY"] = _ed25519_pem()
    values["OPENBADGES_RETIRED_KEYS"] = _ed25519_pem()
    expected = {
        name: {
            "DATABASE_URL": values["DATABASE_URL"].split(":")[2].split("@")[0],
            "EMAIL_URL": "mail-pass-from-file",
        }.get(name, values[name])
        for name in SECRETS
    }
    extra = {"ALLOWED_HOSTS": "api.example.com", "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "media"}
    for name, value in values.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n")  # as `docker secret` and editors leave them
        extra[f"{name}_FILE"] = str(path)
    fields = ", ".join(f"{name!r}: {expression}" for name, expression in SECRETS.items())
    code = f"import json; from django.conf import settings; print(json.dumps({{{fields}}}))"
    result = _shell(code, extra)
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    for name in SECRETS:
        assert str(got[name]).strip() == expected[name].strip(), name


def test_production_names_every_missing_variable_at_once():
    result = _shell(
        STARTED,
        {
            "STORAGE_BACKEND": "s3",
            "SANDBOX_URL": "http://sandbox:8800",
            "JWT_SIGNING_KEY": "short",
        },
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    message = result.stderr[result.stderr.index("ImproperlyConfigured") :]
    assert "7 setting(s) missing or unusable" in message
    for line in (
        "AWS_STORAGE_BUCKET_NAME is not set (required with STORAGE_BACKEND=s3)",
        "AWS_ACCESS_KEY_ID is not set (required with STORAGE_BACKEND=s3)",
        "AWS_SECRET_ACCESS_KEY is not set (required with STORAGE_BACKEND=s3)",
        "SECRET_KEY is not set (required in production)",
        "SANDBOX_TOKEN is not set (required with SANDBOX_URL)",
        "ALLOWED_HOSTS is not set (required in production)",
        "JWT_SIGNING_KEY is too weak for production",
    ):
        assert f"  - {line}" in message, (line, message)
    assert result.stderr.count("django.core.exceptions.ImproperlyConfigured:") == 1


def test_outside_production_missing_s3_variables_are_named_together_too():
    extra = {"STORAGE_BACKEND": "s3", "DJANGO_SETTINGS_MODULE": "site_config.settings.dev"}
    env = _clean_env(extra) | extra
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", STARTED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "3 setting(s) missing or unusable" in result.stderr
    assert "SECRET_KEY" not in result.stderr.split("ImproperlyConfigured")[-1]


def _documented(text: str) -> set[str]:
    """Names listed (commented or not); NAME_FILE lists NAME."""
    return {name.removesuffix("_FILE") for name in re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.M)}


def test_env_example_and_the_readme_table_list_every_variable_the_settings_read():
    read = variables_read()
    example = _documented((ROOT / ".env.example").read_text())
    readme = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "README.md").read_text()))
    not_in_example = sorted(f"{name} ({module})" for name, module in read.items() if name not in example)
    not_in_readme = sorted(f"{name} ({module})" for name, module in read.items() if name not in readme)
    assert not not_in_example, f"add to .env.example: {not_in_example}"
    assert not not_in_readme, f"add to the README env table: {not_in_readme}"


def test_env_example_lists_nothing_that_nothing_reads():
    read = set(variables_read())
    compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    outside_settings = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "PORT"}
    stale = {
        name
        for name in _documented((ROOT / ".env.example").read_text())
        if name not in read | compose | outside_settings and not name.startswith("ANYMAIL_")
    }
    assert not stale, f".env.example lists variables nothing reads: {sorted(stale)}"


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_env_example_leaves_secrets_empty(name):
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert values.get("SECRET_KEY") == ""
    assert name in values
