"""The production shape on one machine: two gunicorn web processes and two task workers
against one PostgreSQL database (DESIGN.md, "Deployment"; docs/deployment.md).

Proves that the web processes keep no local state (a session opened on one is honoured, and
closed, on the other) and that the workers share one queue in the database: both take tasks,
and every task runs exactly once.

The processes are real subprocesses on loopback ports, started against the test database
(committed data: the test is transactional) and always stopped when the test ends.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, connections, transaction

from tests.helpers import PASSWORD, make_user, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
TREE = "/to-chuc/"
HEADER = ["Mã xã", "Năm", "Số phụ nữ từ 18 tuổi trở lên"]
TASKS = 12
START_DEADLINE = 30  # seconds for a process to answer
WORK_DEADLINE = 60  # seconds for the queue to drain


# --- processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_of_this_test() -> str:
    """The URL of the database this test runs on (test_hoiso, test_hoiso_gw0 under xdist)."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{urllib.parse.quote(db['NAME'], safe='')}"


class Processes:
    """Subprocesses started by the test, each logging into its own file; all are stopped
    (terminate, then kill) when the test ends, whatever happened."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs = env, logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()  # the child holds its own copy
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def all_logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name, _p in self.started)

    def check_alive(self) -> None:
        for name, process in self.started:
            assert process.poll() is None, (
                f"{name} exited ({process.returncode}):\n{self.log(name)}"
            )

    def stop(self) -> None:
        for _name, process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def wait_for_other_connections_to_close(deadline_seconds: float = 10) -> None:
    """The server drops a stopped process's session a moment later; flushing or dropping the
    test database before then would fail on 'being accessed by other users'."""
    deadline = time.monotonic() + deadline_seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture
def processes(transactional_db, settings, tmp_path):
    """Depends on the database fixture, so the processes stop before the tables are emptied."""
    if connection.vendor != "postgresql":
        pytest.skip("runs several processes against one PostgreSQL database")
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_test(),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "hoiso.config.settings",
        "HOISO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HOISO_MFA_REQUIRED": "false",
        # The test's users are saved with the fast hasher of the test settings.
        "HOISO_FAST_PASSWORD_HASHER": "true",
        "HOISO_PRODUCTION": "false",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("HOISO_TASKS_BACKEND", None)  # the workers read the queue in the database
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = Processes(env, logs)
    try:
        yield procs
    finally:
        procs.stop()
        close_old_connections()
        wait_for_other_connections_to_close()


def start_web(procs: Processes, name: str) -> str:
    port = free_port()
    # No control socket: gunicorn's default is one path in $HOME, shared by every instance.
    procs.start(name, [sys.executable, "-m", "gunicorn", "hoiso.config.wsgi",
                       "--bind", f"127.0.0.1:{port}", "--workers", "1", "--chdir", str(ROOT),
                       "--no-control-socket"])  # fmt: skip
    return f"http://127.0.0.1:{port}"


def start_worker(procs: Processes, worker_id: str) -> None:
    procs.start(worker_id, [sys.executable, "manage.py", "db_worker", "--queue-name", "default",
                            "--interval", "0.1", "--no-startup-delay", "--no-reload",
                            "--worker-id", worker_id, "-v", "1"])  # fmt: skip


def wait_until_serving(procs: Processes, *bases: str) -> None:
    deadline = time.monotonic() + START_DEADLINE
    waiting = list(bases)
    while waiting:
        procs.check_alive()
        assert time.monotonic() < deadline, f"not serving: {waiting}\n{procs.all_logs()}"
        try:
            with urllib.request.urlopen(waiting[0] + LOGIN, timeout=2) as response:
                if response.status == 200:
                    waiting.pop(0)
                    continue
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)


# --- a browser made of the standard library ------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back as HTTPError: the test checks where it points


class Browser:
    """One cookie jar, used against any of the web processes."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request, without following redirects."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=15) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def csrf_token(self, page_url: str) -> str:
        status, _loc, body = self.request(page_url)
        assert status == 200, (page_url, status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, f"no CSRF field on {page_url}"
        assert any(c.name == "csrftoken" for c in self.jar), "no csrftoken cookie"
        return match.group(1)

    def post_form(self, page_url: str, action_url: str, fields: dict) -> tuple[int, str, str]:
        token = self.csrf_token(page_url)
        return self.request(action_url, {"csrfmiddlewaretoken": token, **fields})


# --- the organisation the test works on ----------------------------------------------------


def build_province(communes: int):
    """A provincial union with `communes` commune unions, each covering its own commune."""
    from hoiso.org.models import AdministrativeArea, Unit
    from hoiso.org.services import unit_create

    province_area = AdministrativeArea.objects.create(
        code="92", name="Thành phố Cần Thơ", level="province",
        division_type="thành phố trung ương",
    )  # fmt: skip
    province = unit_create(actor=None, parent=None, name="Hội LHPN thành phố Cần Thơ",
                           kind=Unit.Kind.PROVINCE, code="P", area=province_area,
                           check_scope=False)  # fmt: skip
    units = []
    for i in range(1, communes + 1):
        area = AdministrativeArea.objects.create(
            code=f"{90000 + i}", name=f"Xã Thử Nghiệm {i}", level="commune",
            division_type="xã", province=province_area,
        )  # fmt: skip
        unit = unit_create(actor=None, parent=province, name=f"Hội LHPN xã Thử Nghiệm {i}",
                           kind=Unit.Kind.COMMUNE, code=f"X{i}", area=area,
                           check_scope=False)  # fmt: skip
        units.append(unit)
    return province, units


@pytest.fixture
def organisation(transactional_db):
    province, communes = build_province(TASKS)
    admin = make_user("tinh_admin", full_name="Trần Thị Hồng", role="province_admin",
                      unit=province, totp=False)  # fmt: skip
    viewer = make_user("nguoi_xem", full_name="Lê Thị Xem", role="viewer", unit=communes[0],
                       totp=False)  # fmt: skip
    return {"province": province, "communes": communes, "admin": admin, "viewer": viewer}


# --- the test ------------------------------------------------------------------------------


def test_two_web_processes_and_two_workers_share_one_database(processes, organisation):
    web_a = start_web(processes, "web-a")
    web_b = start_web(processes, "web-b")
    start_worker(processes, "worker-1")
    start_worker(processes, "worker-2")
    wait_until_serving(processes, web_a, web_b)

    check_sessions_are_shared(organisation, web_a, web_b)
    check_workers_share_the_queue(processes, organisation)
    processes.check_alive()


def check_sessions_are_shared(org, web_a: str, web_b: str) -> None:
    from django.contrib.sessions.models import Session

    unit_name = org["communes"][0].name
    browser = Browser()
    status, location, _body = browser.post_form(
        web_a + LOGIN, web_a + LOGIN, {"login": "nguoi_xem", "password": PASSWORD}
    )
    assert status == 302 and not location.startswith(LOGIN), (status, location)
    assert Session.objects.exists()  # the session is a row in the shared database

    # Signed in on A, recognised on B: B has never seen this browser before.
    status, _loc, body = browser.request(web_b + TREE)
    assert status == 200
    assert unit_name in body
    assert org["communes"][1].name not in body  # and B applies the same scope

    stranger = Browser()
    status, location, _body = stranger.request(web_b + TREE)
    assert status == 302 and location.startswith(LOGIN), (status, location)

    # Signed out on B, gone on A too.
    status, _loc, _body = browser.post_form(web_b + TREE, web_b + LOGOUT, {})
    assert status == 302
    status, location, _body = browser.request(web_a + TREE)
    assert status == 302 and location.startswith(LOGIN), (status, location)


def _hold_progress_locks(progress_ids, locked: threading.Event, release: threading.Event):
    """In its own connection: lock every progress record until told (or 30 s pass). A task
    writes its progress first, so each worker blocks inside its first task, and the second
    task can only be taken by the other worker."""
    from hoiso.core.models import TaskProgress

    try:
        with transaction.atomic():
            list(TaskProgress.objects.select_for_update().filter(pk__in=progress_ids))
            locked.set()
            release.wait(timeout=30)
    finally:
        connections.close_all()


def check_workers_share_the_queue(procs: Processes, org) -> None:
    from django_tasks_db.models import DBTaskResult

    from hoiso.core import progress
    from hoiso.core.models import AuditEntry, TaskProgress
    from hoiso.org.models import Population
    from hoiso.org.tasks import import_population

    admin, communes = org["admin"], org["communes"]
    expected, jobs, uploads = {}, [], []
    for i, unit in enumerate(communes, start=1):
        count = 1000 + i
        expected[unit.area.code] = count
        name = f"dan-so-{i}.xlsx"
        data = xlsx_bytes([HEADER, [unit.area.code, 2025, count]])
        uploads.append(default_storage.save(f"uploads/population/{name}", ContentFile(data)))
        jobs.append(progress.start(kind="population_import", owner=admin, title=f"Nhập {name}"))

    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_hold_progress_locks, args=([j.pk for j in jobs], locked, release), daemon=True
    )
    holder.start()
    try:
        assert locked.wait(timeout=10), "could not lock the progress records"
        for job, stored in zip(jobs, uploads, strict=True):
            original = stored.rsplit("/", 1)[-1]
            import_population.enqueue(str(job.pk), stored, admin.pk, original)
        assert DBTaskResult.objects.count() == TASKS

        # Each worker claims one task and waits on its progress record: two tasks running
        # at once, one in each worker.
        deadline = time.monotonic() + START_DEADLINE
        while True:
            running = list(DBTaskResult.objects.running().values_list("worker_ids", flat=True))
            if len(running) >= 2:
                break
            procs.check_alive()
            assert time.monotonic() < deadline, f"running: {running}\n{procs.all_logs()}"
            time.sleep(0.1)
        assert len(running) == 2, running  # a blocked worker cannot claim a second task
        assert sorted(ids[0] for ids in running) == ["worker-1", "worker-2"], running
    finally:
        release.set()
        holder.join(timeout=10)

    deadline = time.monotonic() + WORK_DEADLINE
    while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
        procs.check_alive()
        assert time.monotonic() < deadline, f"queue not drained\n{procs.all_logs()}"
        time.sleep(0.1)

    results = list(DBTaskResult.objects.values("status", "worker_ids", "traceback"))
    assert all(r["status"] == "SUCCESSFUL" for r in results), results
    assert all(len(r["worker_ids"]) == 1 for r in results), results  # claimed once each
    assert {r["worker_ids"][0] for r in results} == {"worker-1", "worker-2"}
    for job in TaskProgress.objects.filter(pk__in=[j.pk for j in jobs]):
        assert job.status == TaskProgress.Status.DONE, job.message
        assert job.result == {"created": 1, "updated": 0}, job.result  # no second run
    assert dict(Population.objects.values_list("area__code", "women_18_plus")) == expected
    assert Population.objects.count() == TASKS
    assert AuditEntry.objects.filter(action="population.import").count() == TASKS
    assert not any(default_storage.exists(stored) for stored in uploads)
