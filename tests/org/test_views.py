"""The organisation pages as an official uses them: the restructuring wizard (preview writes
nothing, confirm applies), the split's share-out step, revert, population import, forms."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from hoiso.core.models import TaskProgress
from hoiso.org.models import Population, Restructuring, Unit
from hoiso.org.services import unit_move
from tests.helpers import db_snapshot, nothing_changes, today, xlsx_bytes

pytestmark = pytest.mark.django_db


def wizard(kind, parent):
    return reverse("org:restructuring_wizard", args=[kind]) + f"?parent={parent.pk}"


def date(day=None):
    return (day or datetime.date.today()).strftime("%d/%m/%Y")


@pytest.fixture
def officer(client, xa_officer):
    client.force_login(xa_officer)
    return client


class TestWizard:
    def test_preview_writes_nothing_then_confirm_applies(self, officer, tree):
        data = {"target": tree.a1.pk, "sources": [tree.a2.pk], "effective_on": date(), "decision": "7/QĐ",
                "note": ""}  # fmt: skip
        with nothing_changes():
            response = officer.post(wizard("merge", tree.a), data)
        assert response.status_code == 200
        assert response.context["step"] == "preview"
        assert response.context["lines"]  # one line per operation
        assert "Tổ 3" in response.content.decode()  # the child that will move is named
        response = officer.post(wizard("merge", tree.a), {**data, "confirm": "1"})
        merge = Restructuring.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("org:restructuring_detail", args=[merge.pk])
        assert tree.a2a.parent == tree.a1 and not tree.a2.is_active

    def test_service_refusal_is_shown_on_the_form(self, officer, tree):
        with nothing_changes():
            response = officer.post(wizard("rename", tree.a), {"unit": tree.a1.pk, "new_name": "Chi hội Khu vực 1",
                                                              "effective_on": date(), "confirm": "1"})  # fmt: skip
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    def test_forged_unit_outside_the_parent_is_refused(self, officer, tree):
        """The form offers only the parent's children; a forged id of another commune's unit
        is a form error, never a change."""
        with nothing_changes():
            response = officer.post(wizard("rename", tree.a), {"unit": tree.b1.pk, "new_name": "Chi hội Mới",
                                                              "effective_on": date(), "confirm": "1"})  # fmt: skip
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors

    def test_split_in_three_steps(self, client, tinh_admin, tree):
        client.force_login(tinh_admin)
        describe = {"unit": tree.a.pk, "parts": "Hội LHPN phường Ninh Kiều 1; NK1\nHội LHPN phường Ninh Kiều 2; NK2",
                    "effective_on": date(), "decision": "", "note": ""}  # fmt: skip
        with nothing_changes():
            response = client.post(wizard("split", tree.p), describe)
        assert response.context["step"] == "assign"
        assert {c.code for c in response.context["children"]} == {"A1", "A2"}
        assigned = {**describe, "step": "assigned", f"assign_{tree.a1.pk}": "0", f"assign_{tree.a2.pk}": "1",
                    "keeper": "1"}  # fmt: skip
        with nothing_changes():
            response = client.post(wizard("split", tree.p), assigned)
        assert response.context["step"] == "preview"
        response = client.post(wizard("split", tree.p), {**assigned, "confirm": "1"})
        assert response.status_code == 302
        assert tree.a1.parent.code == "NK1" and tree.a2.parent.code == "NK2"
        assert not tree.a.is_active

    def test_split_lines_need_a_code(self, client, tinh_admin, tree):
        client.force_login(tinh_admin)
        response = client.post(wizard("split", tree.p), {"unit": tree.a.pk, "parts": "Một\nHai; H2",
                                                         "effective_on": date()})  # fmt: skip
        assert "parts" in response.context["form"].errors

    def test_unknown_kind_is_404(self, officer, tree):
        assert officer.get(wizard("explode", tree.a)).status_code == 404


class TestRevertView:
    def test_revert_and_refusal_message(self, client, tinh_admin, tree):
        client.force_login(tinh_admin)
        move = unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.b, effective_on=today())
        unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.a, effective_on=today())
        url = reverse("org:restructuring_revert", args=[move.pk])
        with nothing_changes():
            response = client.post(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("org:restructuring_detail", args=[move.pk])
        assert any(m.level_tag == "error" for m in response.context["messages"])

    def test_detail_shows_whether_it_can_be_reverted(self, officer, tree, xa_officer):
        from hoiso.org.services import unit_rename

        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        response = officer.get(reverse("org:restructuring_detail", args=[rename.pk]))
        assert response.status_code == 200
        assert response.context["revert_lines"] and response.context["revert_error"] is None

    def test_revert_needs_post(self, officer, tree, xa_officer):
        from hoiso.org.services import unit_rename

        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        assert officer.get(reverse("org:restructuring_revert", args=[rename.pk])).status_code == 405


class TestPopulationImportView:
    def post(self, client, data, name="dan-so.xlsx"):
        return client.post(
            reverse("org:population_import"), {"file": SimpleUploadedFile(name, data)}
        )

    def test_upload_queues_the_task_with_progress(self, officer, xa_officer, tree):
        data = xlsx_bytes([["Mã xã", "Năm", "Số phụ nữ từ 18 tuổi"], ["31135", 2025, 100]])
        before = db_snapshot()
        response = self.post(officer, data)
        assert response.status_code == 200
        job = response.context["progress"]
        assert job.owner == xa_officer and job.status == TaskProgress.Status.QUEUED
        assert job.unit_path == tree.a.path
        task = DBTaskResult.objects.get()
        assert task.task_path == "hoiso.org.tasks.import_population"
        assert task.args_kwargs["args"][0] == str(job.pk)
        assert db_snapshot() == before  # nothing imported until the worker runs
        assert not Population.objects.exists()

    def test_oversize_upload_is_refused_on_the_form(self, officer, settings):
        settings.HOISO_MAX_UPLOAD_BYTES = 1000
        response = self.post(officer, b"a,b\n" + b"1,2\n" * 1000, "lon.csv")
        assert response.status_code == 200
        assert "file" in response.context["form"].errors
        assert not DBTaskResult.objects.exists() and not TaskProgress.objects.exists()

    def test_progress_page_follows_the_task(self, officer, xa_officer, tree):
        response = self.post(
            officer, xlsx_bytes([["Mã xã", "Năm", "Số phụ nữ"], ["31135", 2025, 1]])
        )
        job = response.context["progress"]
        assert officer.get(reverse("core:task_progress", args=[job.pk])).status_code == 200


class TestForms:
    def test_unit_create_form_offers_only_fitting_kinds(self, officer, tree):
        response = officer.get(reverse("org:unit_create", args=[tree.a.pk]))
        assert [k for k, _label in response.context["form"].fields["kind"].choices] == ["branch"]

    def test_unit_create_rejects_a_taken_code(self, officer, tree):
        with nothing_changes():
            response = officer.post(reverse("org:unit_create", args=[tree.a.pk]),
                                    {"name": "Chi hội X", "code": "B1", "kind": "branch", "active_from": date()})  # fmt: skip
        assert response.status_code == 200 and response.context["form"].non_field_errors()

    def test_unit_edit_area_limited_to_the_province(self, officer, tree, areas):
        with nothing_changes():
            response = officer.post(reverse("org:unit_edit", args=[tree.a.pk]),
                                    {"code": "A", "area": areas["26740"].pk, "address": ""})  # fmt: skip
        assert "area" in response.context["form"].errors

    def test_population_form_bounds(self, officer, tree):
        with nothing_changes():
            response = officer.post(reverse("org:population_edit", args=[tree.a.pk]),
                                    {"year": 1990, "women_18_plus": -4})  # fmt: skip
        assert set(response.context["form"].errors) == {"year", "women_18_plus"}

    def test_switch_unit_then_home(self, officer, tree):
        response = officer.post(reverse("org:switch_unit"), {"unit": tree.a1.pk})
        assert response["Location"] == reverse("org:unit_detail", args=[tree.a1.pk])
        assert officer.get(reverse("core:home"))["Location"] == reverse(
            "org:unit_detail", args=[tree.a1.pk]
        )

    def test_switch_unit_ignores_an_outside_next(self, officer, tree):
        response = officer.post(
            reverse("org:switch_unit"), {"unit": tree.a1.pk, "next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("org:unit_detail", args=[tree.a1.pk])

    def test_switch_unit_bad_input(self, officer, tree):
        assert officer.post(reverse("org:switch_unit"), {"unit": "abc"}).status_code == 400

    def test_tree_search_folds(self, officer, tree):
        response = officer.get(reverse("org:tree"), {"q": "KHU VUC"})
        assert {u.code for u in response.context["results"]} == {"A1", "A2"}

    def test_retired_children_on_request(self, client, tinh_admin, tree):
        from hoiso.org.services import units_merge

        client.force_login(tinh_admin)
        units_merge(actor=tinh_admin, sources=[tree.b2], target=tree.b1, effective_on=today())
        url = reverse("org:tree_children", args=[tree.b.pk])
        assert {u.code for u in client.get(url).context["children"]} == {"B1"}
        assert {u.code for u in client.get(url, {"retired": "1"}).context["children"]} == {
            "B1",
            "B2",
        }
        assert Unit.objects.get(code="B2").active_to == today()
