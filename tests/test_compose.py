"""docker-compose.yml, validated by Compose itself: `docker-compose config` (the Debian
package docker-compose, .ci/system-packages.txt) resolves variables, anchors and
profiles and checks the file against the Compose schema, with no Docker daemon. Then
the rules of this project on the resolved file."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ONE_SHOT = {"migrate", "minio-setup"}  # jobs that run once and exit (restart: "no")


def _project(tmp_path: Path, **overrides: str) -> Path:
    """A copy of the compose project with a .env made from .env.example, its empty
    secrets filled in (as an operator would)."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    (tmp_path / "docker").mkdir()
    shutil.copy(ROOT / "docker" / "nginx-scale.conf", tmp_path / "docker")
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=", line)
        lines.append(f"{line}dummy-{match.group(1).lower()}" if match else line)
    lines += [f"{name}={value}" for name, value in overrides.items()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    return tmp_path


def _compose(project: Path, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose not found: install the Debian package (bash .ci/setup-system.sh)"
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_REPLICAS", "_PASSWORD", "_USER"))}
    return subprocess.run(
        [binary, *args],
        cwd=project,
        env=env | (env_extra or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _resolved(project: Path, *args: str, env_extra: dict | None = None) -> dict:
    result = _compose(project, *args, "config", env_extra=env_extra)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_validates_the_file(tmp_path):
    result = _compose(_project(tmp_path), "config", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_missing_secret_stops_compose_naming_it(tmp_path):
    project = _project(tmp_path)
    env_file = project / ".env"
    env_file.write_text(
        re.sub(r"^POSTGRES_PASSWORD=.*$", "POSTGRES_PASSWORD=", env_file.read_text(), flags=re.M)
    )
    result = _compose(project, "config", "--quiet")
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in result.stderr


def test_resolved_services_follow_the_house_rules(tmp_path):
    services = _resolved(_project(tmp_path), "--profile", "scale")["services"]
    assert {"web", "worker", "sandbox", "postgres", "redis", "minio", "migrate", "proxy"} <= set(services)
    for name, service in services.items():
        assert service.get("image") or service.get("build"), f"{name} has neither image nor build"
        if name in ONE_SHOT:
            assert service.get("restart") == "no", name
        else:
            assert service["healthcheck"]["test"], f"{name} has no healthcheck"
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith("/"):  # a bind mount of a file of the project
                relative = Path(source).relative_to(tmp_path)
                assert (ROOT / relative).exists(), f"{name} mounts {relative}, not in the repository"
    # migrations once per deploy, before any web or worker replica starts
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["web"]["environment"]["MIGRATE_ON_START"] == "0"
    assert services["migrate"]["command"] == ["migrate"]
    # media on S3 for web, worker and migrate; the sandbox gets no secret of the app
    for name in ("web", "worker", "migrate"):
        assert services[name]["environment"]["STORAGE_BACKEND"] == "s3"
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "site_config.settings.prod"
    sandbox_env = services["sandbox"]["environment"]
    assert not any(key.startswith(("AWS_", "DATABASE_", "SECRET_", "POSTGRES_")) for key in sandbox_env)
    assert "env_file" not in services["sandbox"]


def test_scale_profile_runs_n_replicas_of_web_workers_and_sandbox_behind_a_proxy(tmp_path):
    project = _project(tmp_path)
    plain = _resolved(project)["services"]
    assert plain["proxy"]["profiles"] == ["scale"]  # started only with --profile scale
    assert plain["web"]["deploy"]["replicas"] == plain["worker"]["deploy"]["replicas"] == 1
    counts = {"WEB_REPLICAS": "3", "WORKER_REPLICAS": "4", "SANDBOX_REPLICAS": "2"}
    scaled = _resolved(project, "--profile", "scale", env_extra=counts)["services"]
    assert scaled["web"]["deploy"]["replicas"] == 3
    assert scaled["worker"]["deploy"]["replicas"] == 4
    assert scaled["sandbox"]["deploy"]["replicas"] == 2
    # replicas publish no fixed port of their own: one address, the proxy's
    assert scaled["proxy"]["ports"][0]["published"] in (8080, "8080")
    assert scaled["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    # the state lives in the shared services, each a single stateful container
    for name in ("postgres", "redis", "minio"):
        assert "replicas" not in scaled[name].get("deploy", {}), name
        assert scaled[name].get("volumes"), f"{name} keeps no data"


def test_bucket_setup_makes_only_the_public_prefix_readable(tmp_path):
    command = " ".join(_resolved(_project(tmp_path))["services"]["minio-setup"]["command"])
    assert "mc anonymous set download local/mrict/public" in command
    assert not re.search(r"mc anonymous set \w+ local/mrict(\s|$)", command)


@pytest.mark.parametrize("name", ["web", "worker", "migrate"])
def test_app_services_wait_for_their_dependencies(tmp_path, name):
    depends = _resolved(_project(tmp_path))["services"][name]["depends_on"]
    assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    assert depends["minio-setup"]["condition"] == "service_completed_successfully"
