"""Settings read from the environment fail loudly, and every response carries the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from hoiso.config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_SECRET = "k" * 50


def start_django(**variables) -> subprocess.CompletedProcess:
    """`django.setup()` in a fresh process with exactly these HOISO/DJANGO variables set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOISO_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hoiso.config.settings",
            "PYTHONPATH": str(ROOT / "src"),
            **variables,
        }
    )
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


class TestProduction:
    def test_refuses_without_secret_key(self):
        run = start_django(HOISO_PRODUCTION="true", DJANGO_ALLOWED_HOSTS="hoiso.example.vn")
        assert run.returncode != 0
        assert "ImproperlyConfigured" in run.stderr and "DJANGO_SECRET_KEY" in run.stderr

    def test_refuses_a_short_secret_key(self):
        run = start_django(HOISO_PRODUCTION="true", DJANGO_SECRET_KEY="short",
                           DJANGO_ALLOWED_HOSTS="hoiso.example.vn")  # fmt: skip
        assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr

    def test_refuses_without_allowed_hosts(self):
        run = start_django(HOISO_PRODUCTION="true", DJANGO_SECRET_KEY=GOOD_SECRET)
        assert run.returncode != 0
        assert "ImproperlyConfigured" in run.stderr and "DJANGO_ALLOWED_HOSTS" in run.stderr

    def test_refuses_debug(self):
        run = start_django(HOISO_PRODUCTION="true", DJANGO_SECRET_KEY=GOOD_SECRET,
                           DJANGO_ALLOWED_HOSTS="hoiso.example.vn", DJANGO_DEBUG="true")  # fmt: skip
        assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr

    def test_starts_when_configured(self):
        run = start_django(HOISO_PRODUCTION="true", DJANGO_SECRET_KEY=GOOD_SECRET,
                           DJANGO_ALLOWED_HOSTS="hoiso.example.vn")  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "started" in run.stdout

    def test_embedded_mode_starts_with_nothing_set(self):
        run = start_django()
        assert run.returncode == 0, run.stderr

    def test_a_boolean_that_is_not_one_stops_the_start(self):
        run = start_django(HOISO_PRODUCTION="maybe")
        assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr


class TestEnvReaders:
    @pytest.mark.parametrize("value", ["1", "true", "True", " yes ", "on"])
    def test_env_bool_true(self, monkeypatch, value):
        monkeypatch.setenv("X_FLAG", value)
        assert env_bool("X_FLAG", False) is True

    @pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
    def test_env_bool_false(self, monkeypatch, value):
        monkeypatch.setenv("X_FLAG", value)
        assert env_bool("X_FLAG", True) is False

    @pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
    def test_env_bool_rejects(self, monkeypatch, value):
        monkeypatch.setenv("X_FLAG", value)
        with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
            env_bool("X_FLAG", False)

    def test_env_bool_default(self, monkeypatch):
        monkeypatch.delenv("X_FLAG", raising=False)
        assert env_bool("X_FLAG", True) is True

    def test_env_int(self, monkeypatch):
        monkeypatch.setenv("X_INT", "42")
        assert env_int("X_INT", 1) == 42
        monkeypatch.setenv("X_INT", " ")
        assert env_int("X_INT", 7) == 7
        monkeypatch.setenv("X_INT", "bốn mươi")
        with pytest.raises(ImproperlyConfigured, match="X_INT"):
            env_int("X_INT", 1)

    def test_env_str_required(self, monkeypatch):
        monkeypatch.delenv("X_STR", raising=False)
        with pytest.raises(ImproperlyConfigured, match="X_STR"):
            env_str("X_STR")
        assert env_str("X_STR", "mặc định") == "mặc định"

    def test_env_list(self, monkeypatch):
        monkeypatch.setenv("X_LIST", " a.vn, b.vn ,,")
        assert env_list("X_LIST", []) == ["a.vn", "b.vn"]
        monkeypatch.delenv("X_LIST")
        assert env_list("X_LIST", ["x"]) == ["x"]


@pytest.mark.django_db
class TestSecurityHeaders:
    def check(self, response):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert (
            "script-src 'self'" in csp
            and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "object-src 'none'" in csp
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_on_a_redirect(self, client):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        self.check(response)

    def test_on_the_sign_in_page(self, client):
        response = client.get(reverse("account_login"))
        assert response.status_code == 200
        self.check(response)

    def test_on_a_signed_in_page(self, client, xa_officer, tree):
        client.force_login(xa_officer)
        response = client.get(reverse("org:unit_detail", args=[tree.a.pk]))
        assert response.status_code == 200
        self.check(response)

    def test_on_a_404(self, client, xa_officer, tree):
        client.force_login(xa_officer)
        response = client.get(reverse("org:unit_detail", args=[tree.b.pk]))
        assert response.status_code == 404
        self.check(response)

    def test_session_cookie_is_http_only(self, client, member):
        from tests.helpers import PASSWORD

        response = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})
        assert response.status_code == 302
        cookie = response.cookies["sessionid"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        self.check(response)
