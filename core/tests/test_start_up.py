"""Start-up stays light: WeasyPrint and matplotlib load on the first PDF or chart, openpyxl
(and with it numpy, about 20 MiB a web worker: issue 17's memory line) on the first
spreadsheet, not before.

import-linter allows them only in their one module each (pyproject.toml:
``reports.rendering``, itself imported on the first render, and ``core.charts``,
which imports matplotlib on the first drawing). This test checks it in a fresh
process with every URL, view and task loaded, as a web worker would be.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module
import core.charts, evaluations.charts, reports.charts, reports.services, reports.tasks
import core.xlsx, evaluations.exports, programs.exports
names = ("matplotlib", "weasyprint", "openpyxl", "numpy")
print(json.dumps({name: name in sys.modules for name in names}))
"""


def test_no_url_view_or_task_module_imports_weasyprint_matplotlib_or_openpyxl():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "svc.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "matplotlib": False,
        "weasyprint": False,
        "openpyxl": False,
        "numpy": False,
    }
