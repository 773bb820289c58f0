"""The population import as it really runs: the view's task, queued in the database and run
by the worker (`manage.py db_worker --batch`), reporting to its progress record."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hoiso.core import progress
from hoiso.core.models import TaskProgress
from hoiso.org.models import Population
from hoiso.org.tasks import import_population
from tests.helpers import xlsx_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.portable]

HEADER = ["Mã xã", "Tên xã", "Năm", "Số phụ nữ từ 18 tuổi"]


def run(user, data: bytes, filename: str = "dan-so.xlsx") -> TaskProgress:
    """Store the upload, enqueue the task as the view does, run the worker until the queue is empty."""
    stored = default_storage.save(f"uploads/population/{filename}", ContentFile(data))
    job = progress.start(kind="population_import", owner=user, title=f"Nhập {filename}")
    result = import_population.enqueue(str(job.pk), stored, user.pk, filename)
    assert DBTaskResult.objects.filter(pk=result.id).exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert not default_storage.exists(stored)  # the upload never outlives its import
    job.refresh_from_db()
    return job


def test_import_runs_in_the_worker(tree, tinh_admin):
    data = xlsx_bytes([["Danh sách"], HEADER, ["31135", "Phường Ninh Kiều", 2025, 12345],
                       ["31120", "Phường Cái Khế", 2025, "9.876"]])  # fmt: skip
    job = run(tinh_admin, data)
    assert job.status == TaskProgress.Status.DONE, job.message
    assert job.percent == 100
    assert job.result == {"created": 2, "updated": 0}
    assert dict(Population.objects.values_list("area__code", "women_18_plus")) == {
        "31135": 12345,
        "31120": 9876,
    }
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_rows_with_problems_import_nothing(tree, xa_officer):
    data = xlsx_bytes([HEADER, ["31135", "", 2025, 100], ["31120", "", 2025, 100]])
    job = run(xa_officer, data)
    assert job.status == TaskProgress.Status.FAILED
    assert len(job.result["errors"]) == 1 and "31120" in job.result["errors"][0]
    assert not Population.objects.exists()


def test_broken_file_fails_with_a_message(tree, xa_officer):
    job = run(xa_officer, b"not really excel", "dan-so.xlsx")
    assert job.status == TaskProgress.Status.FAILED
    assert job.message  # the reader's message, for the official
    assert not Population.objects.exists()
