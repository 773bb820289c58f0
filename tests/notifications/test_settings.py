"""The mail settings this app adds read the environment and fail loudly."""

import os
import subprocess
import sys

from tests.config.test_settings import ROOT, start_django


def test_site_url_must_be_an_address():
    run = start_django(HOISO_SITE_URL="hoiso.example.vn")
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "HOISO_SITE_URL" in run.stderr


def test_site_url_and_timeout_are_read():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.HOISO_SITE_URL, settings.EMAIL_TIMEOUT)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOISO_", "DJANGO_", "EMAIL_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "hoiso.config.settings", "PYTHONPATH": str(ROOT / "src"),
                "HOISO_SITE_URL": "https://hoiso.example.vn/", "EMAIL_TIMEOUT": "7"})  # fmt: skip
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["https://hoiso.example.vn", "7"]


def test_a_timeout_that_is_not_a_number_stops_the_start():
    run = start_django(EMAIL_TIMEOUT="soon")
    assert run.returncode != 0 and "EMAIL_TIMEOUT" in run.stderr
