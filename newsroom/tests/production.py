"""Run manage.py or a snippet of Python under ``newsroom.settings.production``.

The environment is built from nothing but what the README's "Deploying" section lists,
so a setting that only works because of the developer's shell fails here.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides):
    """The documented production environment, with a throwaway SQLite database and folders."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return {key: value for key, value in env.items() if value != ""}


def run(args, env, timeout=120):
    """``python ARGS`` from the project folder; the CompletedProcess, output as text."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(env, *args, timeout=120):
    return run(["manage.py", *args], env, timeout=timeout)
