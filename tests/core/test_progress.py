"""The progress component every background task reports to, and the page that polls it."""

import uuid

import pytest
from django.urls import reverse

from hoiso.core import progress
from hoiso.core.models import TaskProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(tree, xa_officer):
    return progress.start(kind="population_import", title="Nhập dân số từ dan-so.xlsx",
                          owner=xa_officer, unit_path=tree.a.path)  # fmt: skip


class TestLifecycle:
    def test_start(self, job, xa_officer, tree):
        job.refresh_from_db()
        assert job.status == TaskProgress.Status.QUEUED
        assert job.percent == 0
        assert job.owner == xa_officer
        assert job.unit_path == tree.a.path
        assert not job.finished

    def test_step(self, job):
        progress.step(job.pk, percent=40, message="Đang kiểm tra 120 dòng…")
        job.refresh_from_db()
        assert (job.status, job.percent, job.message) == ("running", 40, "Đang kiểm tra 120 dòng…")
        assert not job.finished

    @pytest.mark.parametrize(("given", "stored"), [(-5, 0), (0, 0), (100, 100), (250, 100)])
    def test_step_percent_is_clamped(self, job, given, stored):
        progress.step(job.pk, percent=given)
        job.refresh_from_db()
        assert job.percent == stored

    def test_step_accepts_the_id_as_text(self, job):
        """Tasks receive the id as a string (task arguments must be JSON)."""
        progress.step(str(job.pk), percent=10)
        job.refresh_from_db()
        assert job.percent == 10

    def test_finish(self, job):
        progress.step(job.pk, percent=60)
        progress.finish(job.pk, message="Xong", result={"created": 3}, result_url="/media/x.xlsx")
        job.refresh_from_db()
        assert job.status == TaskProgress.Status.DONE
        assert job.percent == 100
        assert job.result == {"created": 3}
        assert job.result_url == "/media/x.xlsx"
        assert job.finished

    def test_fail(self, job):
        progress.step(job.pk, percent=30)
        progress.fail(job.pk, message="x" * 600, result={"errors": ["Dòng 3: …"]})
        job.refresh_from_db()
        assert job.status == TaskProgress.Status.FAILED
        assert len(job.message) == 500
        assert job.result == {"errors": ["Dòng 3: …"]}
        assert job.percent == 30  # where it stopped
        assert job.finished


class TestProgressView:
    def url(self, job):
        return reverse("core:task_progress", args=[job.pk])

    def test_owner_sees_it(self, client, job, xa_officer):
        progress.step(job.pk, percent=42, message="Đang lưu dòng 50 trên 120…")
        client.force_login(xa_officer)
        response = client.get(self.url(job))
        assert response.status_code == 200
        assert response.context["progress"] == job
        assert "Đang lưu dòng 50 trên 120…" in response.content.decode()

    def test_another_official_gets_404(self, client, job, xa_officer_other):
        client.force_login(xa_officer_other)
        assert client.get(self.url(job)).status_code == 404

    def test_member_gets_404(self, client, job, member):
        client.force_login(member)
        assert client.get(self.url(job)).status_code == 404

    def test_province_admin_above_the_unit_sees_it(self, client, job, tinh_admin):
        client.force_login(tinh_admin)
        assert client.get(self.url(job)).status_code == 200

    def test_anonymous_is_sent_to_sign_in(self, client, job):
        response = client.get(self.url(job))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_unknown_task_is_404(self, client, xa_officer, tree):
        client.force_login(xa_officer)
        assert client.get(reverse("core:task_progress", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_step_inside_a_transaction_is_seen_before_it_commits(tree, xa_officer):
    """An import writes all its rows in one transaction; the page polling its progress reads
    with another connection and must see the bar move meanwhile (PostgreSQL)."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: steps show at the commit")
    job = progress.start(
        kind="member_import", title="Nhập", owner=xa_officer, unit_path=tree.a.path
    )
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            progress.step(job.pk, percent=40, message="Đang lưu dòng 5000…")
            with reader.cursor() as cursor:
                cursor.execute(
                    "SELECT percent, message FROM core_taskprogress WHERE id = %s", [job.pk]
                )
                assert cursor.fetchone() == (40, "Đang lưu dòng 5000…")
            transaction.set_rollback(True)  # the work failed: the step stays, as the page saw it
    finally:
        reader.close()
    job.refresh_from_db()
    assert (job.status, job.percent) == (TaskProgress.Status.RUNNING, 40)


def test_a_step_on_a_row_of_the_same_uncommitted_transaction(job):
    """The test's own transaction made the row: the step is taken on the work's connection."""
    from django.db import transaction

    with transaction.atomic():
        progress.step(job.pk, percent=70, message="Đang lưu…")
    job.refresh_from_db()
    assert (job.percent, job.message) == (70, "Đang lưu…")
