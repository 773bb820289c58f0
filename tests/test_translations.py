"""Every message a user can read has its Vietnamese translation, none left fuzzy.

The test extracts the messages afresh, exactly as `make messages` does, into a copy of the
sources (so the working tree is never touched), then asks msgfmt for the statistics.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None, reason="gettext missing"
)
def test_catalogue_is_complete(tmp_path):
    for folder in ("src", "locale", "locale_thirdparty"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))  # fmt: skip
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = ""  # makemessages needs no database
    command = [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--ignore=.venv",
               "--ignore=node_modules", "--ignore=tests", "--ignore=bench"]  # fmt: skip
    made = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    catalogue = tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(["msgfmt", "--check-format", "--statistics", "-o", os.devnull, str(catalogue)],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    report = stats.stdout + stats.stderr
    assert stats.returncode == 0, report
    assert "translated" in report, report
    assert "untranslated" not in report, f"messages without a Vietnamese translation: {report}"
    assert "fuzzy" not in report, f"fuzzy translations to review: {report}"
