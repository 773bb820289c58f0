"""The study pages as officials use them: create with a file, add questions, publish, the
progress table and its drill-down, "my studies", the study page (confirm, check, a refused
check keeps the answers, a double submit), the recording list, and the pinned query counts
of the list and progress pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoiso.org.services import unit_create
from hoiso.studies.models import Attempt, Learner, Material
from tests.helpers import make_user
from tests.studies.helpers import admit, key, make_material, pdf, right_answers

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def vi(message: str, **params) -> str:
    """What the page shows (the pages are Vietnamese; a message not yet in the catalogue
    shows in English)."""
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


def form(**extra) -> dict:
    data = {"title": "Nghị quyết số 01", "summary": "Tóm tắt", "body": "Nội dung",
            "deadline": "31/12/2099", "recipients_mode": "level", "recipients_kind": "commune",
            "for_officials": "on", "members": "all", "pass_mark": "80", "max_attempts": "3",
            "late_policy": "allow"}  # fmt: skip
    data.update(extra)
    return data


def test_create_add_questions_publish(client, tinh_admin, tree, people, english):
    client.force_login(tinh_admin)
    response = client.post(reverse("studies:create"), {**form(), "file": pdf()})
    material = Material.objects.get()
    assert response.status_code == 302 and material.file_name == "nghi-quyet.pdf"
    url = reverse("studies:question_add", args=[material.pk])
    response = client.post(url, {"text": "Câu 1?", "kind": "single", "option_1": "Đúng",
                                 "right_1": "on", "option_2": "Sai"})  # fmt: skip
    assert response.status_code == 302 and material.questions.count() == 1
    response = client.post(url, {"text": "Câu 2?", "kind": "single", "option_1": "A",
                                 "right_1": "on", "option_2": "B", "right_2": "on"})  # fmt: skip
    assert response.status_code == 200 and material.questions.count() == 1
    assert vi("Tick exactly one right option for a one-answer question.") in (
        response.content.decode()
    )
    response = client.post(reverse("studies:publish", args=[material.pk]))
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == "published" and material.learners.count() == 9
    page = client.get(reverse("studies:detail", args=[material.pk])).content.decode()
    assert "Hội LHPN phường Ninh Kiều" in page and "Hội LHPN phường Cái Khế" in page


def test_a_lying_file_is_refused_on_the_form(client, tinh_admin, tree, english):
    client.force_login(tinh_admin)
    fake = SimpleUploadedFile("nghi-quyet.pdf", b"<html>not a pdf</html>")
    response = client.post(reverse("studies:create"), {**form(), "file": fake})
    assert response.status_code == 200 and not Material.objects.exists()
    assert (
        vi(
            "“%(name)s” is not a real %(kind)s file (its content does not match its extension).",
            name="nghi-quyet.pdf",
            kind="PDF",
        )
        in response.content.decode()
    )


def test_drill_down_out_of_scope_is_404(client, material, tree, xa_officer):
    client.force_login(xa_officer)
    url = reverse("studies:detail", args=[material.pk])
    page = client.get(url).content.decode()  # starts at her commune: she does not see P
    assert "Chi hội Khu vực 1" in page and "Hội LHPN phường Cái Khế" not in page
    assert client.get(url, {"unit": tree.b.pk}).status_code == 404
    assert client.get(url, {"unit": tree.a1.pk}).status_code == 200
    assert client.get(url, {"unit": "x"}).status_code == 404


def test_study_confirm_and_check(client, material, xa_officer, english):
    client.force_login(xa_officer)
    assert material.title in client.get(reverse("studies:mine")).content.decode()
    page = client.get(reverse("studies:study", args=[material.pk])).content.decode()
    assert vi("I have studied this material") in page and "check-form" not in page
    learner = Learner.objects.get(material=material, user=xa_officer)
    assert learner.opened_at is not None
    client.post(reverse("studies:confirm", args=[material.pk]))
    page = client.get(reverse("studies:study", args=[material.pk])).content.decode()
    assert "check-form" in page
    once = key()
    answers = {f"q{q}": v for q, v in right_answers(material).items()}
    url = reverse("studies:check", args=[material.pk])
    first = client.post(url, {"key": once, **answers})
    second = client.post(url, {"key": once, **answers})
    assert first.status_code == second.status_code == 302
    learner.refresh_from_db()
    assert learner.passed and learner.attempts == 1 and Attempt.objects.count() == 1


def test_a_refused_check_keeps_the_answers(client, material, xa_officer, english):
    client.force_login(xa_officer)
    client.post(reverse("studies:confirm", args=[material.pk]))
    answers = {f"q{q}": v for q, v in right_answers(material).items()}
    first_question = material.questions.first()
    del answers[f"q{first_question.pk}"]
    chosen = answers[f"q{material.questions.all()[1].pk}"][0]
    response = client.post(reverse("studies:check", args=[material.pk]), {"key": key(), **answers})
    page = response.content.decode()
    assert response.status_code == 200
    assert vi("Answer every question (question %(n)s has no answer).", n=1) in page
    assert f'value="{chosen}" id="o{chosen}" required checked' in page
    assert not Attempt.objects.exists()


def test_not_assigned_is_404(client, material, tinh_admin, member):
    for user in (tinh_admin, member):  # the issuer is not a learner of her own material
        client.force_login(user)
        assert client.get(reverse("studies:study", args=[material.pk])).status_code == 404
        assert client.post(reverse("studies:confirm", args=[material.pk])).status_code == 404
        assert client.post(reverse("studies:check", args=[material.pk]),
                           {"key": key()}).status_code == 404  # fmt: skip


def test_recording_in_bulk(client, material, chi_hoi_leader, people, english):
    client.force_login(chi_hoi_leader)
    url = reverse("studies:record", args=[material.pk])
    page = client.get(url).content.decode()
    assert "Nguyễn Thị Một" in page and "Phạm Thị Bốn" not in page  # m4 is in branch a2
    ids = {m: Learner.objects.get(material=material, member=people[m]).pk for m in ("m1", "m2")}
    response = client.post(url, {"learner": [ids["m1"], ids["m2"]],
                                 f"studied_{ids['m1']}": "1", f"score_{ids['m2']}": "85"})  # fmt: skip
    assert response.status_code == 302
    m1, m2 = (Learner.objects.get(pk=ids[m]) for m in ("m1", "m2"))
    assert m1.studied_at and not m1.passed and m2.passed and m2.best_score == 85
    response = client.post(url, {"learner": [ids["m1"]], f"score_{ids['m1']}": "abc"})
    assert response.status_code == 200
    assert vi("Scores are whole numbers from 0 to 100 (“%(value)s” is not).", value="abc") in (
        response.content.decode()
    )


def test_recording_elsewhere_is_404(client, material, chi_hoi_leader, tree):
    client.force_login(chi_hoi_leader)
    url = reverse("studies:record", args=[material.pk])
    assert client.get(url, {"unit": tree.a2.pk}).status_code == 404
    assert client.get(url, {"unit": tree.b.pk}).status_code == 404


def queries(client, url, **params) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def test_list_queries_do_not_grow(client, tinh_admin, tree, people):
    client.force_login(tinh_admin)
    make_material(tinh_admin, tree.p)
    before = queries(client, reverse("studies:list"))
    for n in range(4):
        make_material(tinh_admin, tree.p, title=f"Tài liệu {n}")
    make_material(tinh_admin, tree.a, publish=False, recipients_kind="branch")
    assert queries(client, reverse("studies:list")) == before
    assert before <= 12


def test_progress_queries_do_not_grow(client, tinh_admin, xa_officer, tree, people):
    client.force_login(tinh_admin)
    material = make_material(tinh_admin, tree.p)
    url = reverse("studies:detail", args=[material.pk])
    before = queries(client, url)
    drill = queries(client, url, unit=tree.a1.pk)
    # more communes, with officials and members, under a new material
    for n in range(4):
        commune = unit_create(actor=tinh_admin, parent=tree.p, name=f"Hội LHPN xã Số {n}",
                              kind="commune", code=f"XS{n}")  # fmt: skip
        branch = unit_create(actor=tinh_admin, parent=commune, name=f"Chi hội {n}",
                             kind="branch", code=f"XB{n}")  # fmt: skip
        make_user(f"officer{n}", role="commune_officer", unit=commune)
        admit(tinh_admin, branch, f"Hồ Thị Số {n}")
    more = make_material(tinh_admin, tree.p, title="Tài liệu thứ hai")
    url = reverse("studies:detail", args=[more.pk])
    assert queries(client, url) == before
    assert queries(client, url, unit=tree.a1.pk) == drill
    assert before <= 16
