"""`make run`'s setup, as it runs: migrate and seed_demo on the embedded SQLite database.

The suite runs on PostgreSQL; a query only PostgreSQL knows (DISTINCT ON, JSON containment)
passes every other test and stops `make run` on a fresh machine. This runs the two commands
in a subprocess against a new SQLite file, with the environment `make run` sets.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_migrates_and_seeds_the_demo_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "true",
        "DEMO_MODE": "true",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)  # make run has no broker: tasks run in the process

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = manage("migrate", "--noinput", "-v0")
    seeded = manage("seed_demo")

    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    logins = seeded.stdout.split("Demo logins", 1)[1]
    assert "konsult@ledarskapskonsulterna.example" in logins
    assert "hr@lindesberg.example" in logins
