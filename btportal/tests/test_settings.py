"""Production settings: refuse insecure start, pass `check --deploy` without warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8#Zp2vQ!r7Wm4xT9yB1nE6cF3hJ0sL5dG8aV2uP7oI4eR1tY6wQ9zX3cB5nM0"


def _run(args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_debug_and_with_the_default_key():
    result = _run(["check"], DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_rejects_a_malformed_boolean():
    result = _run(["check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_reports_no_warnings_in_production():
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="bt.example.se",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','btportal.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.TIME_ZONE, s.DATABASES['default']['ENGINE'], s.EMAIL_HOST, s.ALLOWED_HOSTS, s.LANGUAGE_CODE)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(DATABASE_URL="postgres://u@db.example:5432/bt", EMAIL_HOST="smtp.example.se", ALLOWED_HOSTS="a.se,b.se")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "Europe/Stockholm"
    assert "postgresql" in out.stdout
    assert "smtp.example.se" in out.stdout
    assert "['a.se', 'b.se']" in out.stdout
    assert out.stdout.strip().endswith("sv")
