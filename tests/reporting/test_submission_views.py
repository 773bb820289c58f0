"""The report pages as officials use them: the province issues, the commune opens its form
with figures filled in, submits, gets it back with a comment, fixes, resubmits, the province
accepts and reads its roll-up. Out of scope is 404."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.members.services import member_admit
from hoiso.reporting.models import ReportRequest, Submission
from tests.reporting.helpers import pdf_bytes, quarter_now, submissions_snapshot
from tests.reporting.test_views import vi

pytestmark = [pytest.mark.django_db]


def text(response) -> str:
    return html.unescape(response.content.decode())


def _form(**extra):
    return {"s_results": "Kết nạp hội viên mới.", "s_shortcomings": "", "s_tasks": "", "s_proposals": "",
            "v_TC_MO_HINH": "4", **extra}  # fmt: skip


@pytest.fixture
def issued(client, tree, tinh_admin, xa_officer, xa_officer_other, report_templates):
    member_admit(actor=xa_officer, unit=tree.a1, data={"full_name": "Đặng Thị Thu",
                                                        "date_of_birth": datetime.date(1991, 3, 4)})  # fmt: skip
    year, number = quarter_now()
    client.force_login(tinh_admin)
    response = client.post(reverse("reporting:request_create"), {
        "unit": tree.p.pk, "template": report_templates["quarterly"].pk, "kind": "quarter",
        "year": year, "number": number, "recipient_kind": "commune",
        "deadline": (datetime.date.today() + datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
        "note": "Gửi đúng hạn."})  # fmt: skip
    request = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:request_detail", args=[request.pk])
    client.logout()
    return request


def test_the_journey_through_the_pages(client, issued, tree, tinh_admin, xa_officer):
    sub = Submission.objects.get(request=issued, unit=tree.a)
    edit = reverse("reporting:submission_edit", args=[sub.pk])
    client.force_login(xa_officer)
    listing = client.get(reverse("reporting:request_list")).content.decode()
    assert edit in listing
    page = text(client.get(edit))
    assert "Tổng số hội viên (cuối kỳ)" in page and vi("Filled in:") in page
    # A rate above 100%: refused, what was typed stays on the page, nothing written.
    before = submissions_snapshot()
    response = client.post(
        edit, _form(n_TD_NO_QUA_HAN_TL="5", d_TD_NO_QUA_HAN_TL="4", action="submit")
    )
    assert response.status_code == 200
    assert vi(
        "the part (%(top)s) cannot be larger than the whole (%(bottom)s): the rate would "
        "pass 100%%.",
        top="5",
        bottom="4",
    ) in text(response)
    assert 'value="5"' in text(response)
    assert submissions_snapshot() == before
    response = client.post(
        edit, _form(action="submit", files=SimpleUploadedFile("bc.pdf", pdf_bytes()))
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "submitted" and sub.attachments.get().version == sub.versions.get()
    # The province returns it.
    client.force_login(tinh_admin)
    overview = client.get(reverse("reporting:request_detail", args=[issued.pk])).content.decode()
    assert "Hội LHPN phường Ninh Kiều" in overview and "Hội LHPN phường Cái Khế" in overview
    decide = reverse("reporting:submission_decide", args=[sub.pk])
    response = client.post(decide, {"decision": "return", "comment": "Thiếu số mô hình mới."})
    assert response.status_code == 302
    # The commune reads the comment, fixes and resubmits.
    client.force_login(xa_officer)
    assert "Thiếu số mô hình mới." in client.get(edit).content.decode()
    assert client.post(edit, _form(v_TC_MO_HINH="7", action="submit")).status_code == 302
    history = text(client.get(reverse("reporting:submission_history", args=[sub.pk])))
    assert vi("Version %(n)s", n=1) in history and vi("Version %(n)s", n=2) in history
    assert "Thiếu số mô hình mới." in history
    # The commune cannot accept its own report.
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    client.force_login(tinh_admin)
    assert client.post(decide, {"decision": "accept"}).status_code == 302
    sub.refresh_from_db()
    assert sub.status == "accepted"
    overview = client.get(reverse("reporting:request_detail", args=[issued.pk]))
    rolled = {row["indicator"].code: row["figure"].value for row in overview.context["rows"]}
    assert rolled["TC_MO_HINH"] == 7 and rolled["HV_TONG"] == 1
    # The file is downloaded by the unit and the province, not by the sibling.
    download = reverse("reporting:attachment_download", args=[sub.attachments.get().pk])
    assert b"".join(client.get(download).streaming_content) == pdf_bytes()


def test_save_a_draft_and_remove_a_file(client, issued, tree, xa_officer):
    sub = Submission.objects.get(request=issued, unit=tree.a)
    edit = reverse("reporting:submission_edit", args=[sub.pk])
    client.force_login(xa_officer)
    client.post(edit, _form(action="save", files=SimpleUploadedFile("x.pdf", pdf_bytes())))
    sub.refresh_from_db()
    assert sub.status == "draft" and sub.values["TC_MO_HINH"]["entered"]["value"] == "4"
    attachment = sub.attachments.get()
    response = client.post(reverse("reporting:attachment_remove", args=[attachment.pk]))
    assert response.status_code == 302 and not sub.attachments.exists()


def test_a_fake_pdf_is_refused_on_the_page(client, issued, tree, xa_officer):
    sub = Submission.objects.get(request=issued, unit=tree.a)
    client.force_login(xa_officer)
    response = client.post(reverse("reporting:submission_edit", args=[sub.pk]),
                           _form(action="save", files=SimpleUploadedFile("x.pdf", b"MZ binary")))  # fmt: skip
    assert vi(
        "“%(name)s” is not a real %(kind)s file (its content does not match its extension).",
        name="x.pdf",
        kind="PDF",
    ) in text(response)
    sub.refresh_from_db()
    assert sub.values == {}


def test_out_of_scope_is_404(client, issued, tree, xa_officer_other, chi_hoi_leader):
    sub = Submission.objects.get(request=issued, unit=tree.a)
    client.force_login(xa_officer_other)
    assert client.get(reverse("reporting:submission_edit", args=[sub.pk])).status_code == 404
    assert client.get(reverse("reporting:submission_history", args=[sub.pk])).status_code == 404
    assert client.get(reverse("reporting:request_detail", args=[issued.pk])).status_code == 404
    own = Submission.objects.get(request=issued, unit=tree.b)
    assert client.get(reverse("reporting:submission_edit", args=[own.pk])).status_code == 200
    client.force_login(chi_hoi_leader)
    assert client.get(reverse("reporting:request_list")).status_code == 404


def test_closing_a_request(client, issued, tree, tinh_admin, xa_officer):
    client.force_login(tinh_admin)
    client.post(reverse("reporting:request_close", args=[issued.pk]))
    issued.refresh_from_db()
    assert issued.is_closed
    sub = Submission.objects.get(request=issued, unit=tree.a)
    client.force_login(xa_officer)
    closed = vi("The request has been closed: reports can no longer be sent to it.")
    assert closed in text(client.get(reverse("reporting:submission_edit", args=[sub.pk])))
    response = client.post(
        reverse("reporting:submission_edit", args=[sub.pk]), _form(action="submit")
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.status == "draft"


def test_a_commune_defines_its_own_template(client, tree, xa_officer, xa_officer_other, library):
    from hoiso.reporting.models import ReportTemplate

    client.force_login(xa_officer)
    page = text(client.get(reverse("reporting:template_create")))
    assert "TT_BUOI" in page
    data = {"owner": tree.a.pk, "name": "Báo cáo tháng của phường",
            "sections": ["results", "tasks"],
            "indicators": [library["TT_BUOI"].pk, library["HV_TONG"].pk]}  # fmt: skip
    response = client.post(reverse("reporting:template_create"), data)
    assert response.status_code == 302
    made = ReportTemplate.objects.get(unit=tree.a)
    assert [i.code for i in made.ordered_indicators()] == ["HV_TONG", "TT_BUOI"]  # library order
    assert made.sections == ["results", "tasks"]
    assert "Báo cáo tháng của phường" in text(client.get(reverse("reporting:template_list")))
    # The sibling commune neither sees it nor can define one for commune A.
    client.force_login(xa_officer_other)
    assert "Báo cáo tháng của phường" not in text(client.get(reverse("reporting:template_list")))
    response = client.post(reverse("reporting:template_create"), {**data, "name": "Khác"})
    assert response.status_code == 200
    assert ReportTemplate.objects.filter(unit=tree.a).count() == 1
