"""The import pages as an official uses them, and the tasks as the worker runs them
(`manage.py db_worker --batch`). Every persona × view is in tests/test_authorization_matrix.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from hoiso.core.models import TaskProgress
from hoiso.core.spreadsheets import read_table
from hoiso.members.models import ImportBatch, ImportMapping, Member
from tests.members.test_import import BAD, GOOD, HEADERS, workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.portable]


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def start(client, unit, rows, name="hoi-vien.xlsx", headers=HEADERS):
    response = client.post(reverse("members:import_start"), {
        "file": SimpleUploadedFile(name, workbook(rows, headers)), "unit": unit.pk})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def confirm(client, batch, mapping=None):
    mapping = mapping or batch.mapping
    data = {f"col_{i}": field for i, field in enumerate(mapping)}
    response = client.post(reverse("members:import_detail", args=[batch.pk]), data)
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def test_upload_check_import_report_and_undo(tree, xa_officer, client):
    client.force_login(xa_officer)
    assert client.get(reverse("members:import_start")).status_code == 200
    template = client.get(reverse("members:import_template"))
    assert read_table(template.content, "mau.xlsx").headers[:3] == [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
    ]

    batch = start(client, tree.a1, [*GOOD, *BAD])
    page = client.get(reverse("members:import_detail", args=[batch.pk])).content.decode()
    assert 'name="col_1"' in page and "hs-import-mapping" in page

    batch = confirm(client, batch)
    assert batch.status == ImportBatch.Status.CHECKING
    assert client.get(reverse("members:import_status", args=[batch.pk])).status_code == 204
    run_worker()
    batch.refresh_from_db()
    assert (
        batch.status == ImportBatch.Status.CHECKED
        and batch.progress.status == TaskProgress.Status.DONE
    )
    assert client.get(reverse("members:import_status", args=[batch.pk]))["HX-Refresh"] == "true"
    page = client.get(reverse("members:import_detail", args=[batch.pk])).content.decode()
    assert page.count("<tr><td>") == 8  # 7 rows with problems, 1 with a warning
    report = client.get(reverse("members:import_report", args=[batch.pk]))
    assert len(read_table(report.content, "loi.xlsx").rows) == 7

    client.post(reverse("members:import_apply", args=[batch.pk]), {"mode": "valid"})
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and Member.objects.count() == 3
    undo = reverse("members:import_undo", args=[batch.pk])
    assert undo in client.get(reverse("members:import_detail", args=[batch.pk])).content.decode()

    list_page = client.get(reverse("members:import_list")).content.decode()
    assert "hoi-vien.xlsx" in list_page
    client.post(reverse("members:import_undo", args=[batch.pk]))
    assert set(Member.objects.values_list("status", flat=True)) == {"left"}


def test_the_unit_remembers_its_mapping(tree, xa_officer, client):
    client.force_login(xa_officer)
    headers = ["Tên người", "Sinh"]
    rows = [["Nguyễn Thị Lan", "12/05/1990"]]
    batch = start(client, tree.a1, rows, headers=headers)
    assert batch.mapping == ["", ""]
    response = client.post(
        reverse("members:import_detail", args=[batch.pk]), {"col_0": "", "col_1": ""}
    )
    assert (
        response.status_code == 200 and not ImportMapping.objects.exists()
    )  # the name is required
    confirm(client, batch, ["full_name", "date_of_birth"])
    again = start(client, tree.a1, rows, headers=headers, name="lan-2.xlsx")
    assert again.mapping == ["full_name", "date_of_birth"]


def test_all_or_nothing_from_the_page(tree, xa_officer, client):
    client.force_login(xa_officer)
    batch = confirm(client, start(client, tree.a1, [*GOOD, BAD[0]]))
    run_worker()
    client.post(reverse("members:import_apply", args=[batch.pk]), {"mode": "all"})
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and not Member.objects.exists()
    assert batch.progress.status == TaskProgress.Status.FAILED
    assert batch.progress.message  # "Nothing was imported: 1 rows have problems."


def test_a_second_click_does_not_import_twice(tree, xa_officer, client):
    from django_tasks_db.models import DBTaskResult

    client.force_login(xa_officer)
    batch = confirm(client, start(client, tree.a1, GOOD))
    run_worker()
    for _ in range(2):
        client.post(reverse("members:import_apply", args=[batch.pk]), {"mode": "all"})
    assert DBTaskResult.objects.count() == 2  # the check and one import
    run_worker()
    assert Member.objects.count() == 3


@pytest.mark.parametrize(("name", "data"), [("hong.xlsx", b"not a workbook"), ("rong.csv", b"")])
def test_a_broken_file_is_refused_on_upload(tree, xa_officer, client, name, data):
    client.force_login(xa_officer)
    response = client.post(reverse("members:import_start"), {
        "file": SimpleUploadedFile(name, data), "unit": tree.a1.pk})  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_another_communes_batch_is_404(tree, xa_officer, xa_officer_other, client):
    client.force_login(xa_officer)
    batch = start(client, tree.a1, GOOD)
    client.force_login(xa_officer_other)
    for name in ("members:import_detail", "members:import_report", "members:import_status"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert "hoi-vien.xlsx" not in client.get(reverse("members:import_list")).content.decode()


def test_the_mapping_shows_values_of_each_column(tree, xa_officer, client):
    """An unknown header is easier to map with a few of its values beside it; they are
    escaped, and kept after the check for a second look at the columns."""
    client.force_login(xa_officer)
    headers = ["Tên người", "Sinh", "Ghi chú"]
    rows = [["Nguyễn Thị Lan", "12/05/1990", "<b>x</b>"], ["Trần Thị Mai", "01/02/1985", None]]
    batch = start(client, tree.a1, rows, headers=headers)
    assert batch.outcome["samples"] == [["Nguyễn Thị Lan", "Trần Thị Mai"],
                                        ["12/05/1990", "01/02/1985"], ["<b>x</b>"]]  # fmt: skip
    page = client.get(reverse("members:import_detail", args=[batch.pk])).content.decode()
    assert "Nguyễn Thị Lan · Trần Thị Mai" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    confirm(client, batch, ["full_name", "date_of_birth", ""])
    run_worker()
    batch.refresh_from_db()
    assert batch.outcome["samples"][0] == ["Nguyễn Thị Lan", "Trần Thị Mai"]
