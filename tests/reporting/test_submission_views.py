"""The report pages as officials use them: the province issues, the commune opens its form
with figures filled in, submits, gets it back with a comment, fixes, resubmits, the province
accepts and reads its roll-up. Out of scope is 404."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hoiso.members.services import member_admit
from hoiso.org.models import Unit
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


def test_the_reports_download_as_word_and_excel(client, issued, tree, tinh_admin, xa_officer,
                                                xa_officer_other, positions):  # fmt: skip
    """The commune's report and the province's roll-up as Word documents in the Decree 30
    layout, with the figures the platform computed and the unit entered; the figures by unit
    as a workbook; out of scope is 404."""
    import io

    from docx import Document
    from python_calamine import CalamineWorkbook

    from hoiso.org.services import official_appoint

    official_appoint(actor=None, unit=tree.a, full_name="Võ Thị Hồng Nhung",
                     position=positions["chu-tich"], term_start=2025, term_end=2030,
                     started_on=datetime.date(2025, 1, 1), check_scope=False)  # fmt: skip
    sub = Submission.objects.get(request=issued, unit=tree.a)
    client.force_login(xa_officer)
    edit = reverse("reporting:submission_edit", args=[sub.pk])
    assert client.post(edit, _form(v_TC_MO_HINH="7", action="submit")).status_code == 302
    response = client.get(reverse("reporting:submission_word", args=[sub.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    bodies, motto = document.tables[0].rows[0].cells
    assert [p.text for p in bodies.paragraphs if p.text] == [
        "HỘI LHPN THÀNH PHỐ CẦN THƠ", "HỘI LHPN PHƯỜNG NINH KIỀU"]  # fmt: skip
    assert "Độc lập - Tự do - Hạnh phúc" in motto.text
    dated = document.tables[0].rows[1].cells[1].text
    assert dated.startswith("Ninh Kiều, ngày ")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in body and "I. KẾT QUẢ" in body.upper() and "Kết nạp hội viên mới." in body
    figures = {row.cells[1].text: row.cells[2].text for row in document.tables[1].rows[1:]}
    assert figures["Tổng số hội viên (cuối kỳ)"] == "1"
    assert any(value == "7" for name, value in figures.items() if "mô hình" in name.lower())
    recipients, signature = document.tables[-1].rows[0].cells
    assert "Hội LHPN thành phố Cần Thơ" in recipients.text and "Lưu: VT." in recipients.text
    assert [p.text for p in signature.paragraphs if p.text] == [
        "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Võ Thị Hồng Nhung"]  # fmt: skip
    assert client.get(reverse("reporting:request_word", args=[issued.pk])).status_code == 404

    client.force_login(tinh_admin)
    decide = reverse("reporting:submission_decide", args=[sub.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 302
    rolled = Document(io.BytesIO(client.get(reverse("reporting:request_word",
                                                     args=[issued.pk])).content))  # fmt: skip
    assert "HỘI LHPN THÀNH PHỐ CẦN THƠ" in rolled.tables[0].rows[0].cells[0].text
    text_of = "\n".join(p.text for p in rolled.paragraphs)
    with translation.override("vi"):
        summary = gettext(
            "The figures below are rolled up from the accepted reports of %(accepted)d of "
            "the %(asked)d units asked (%(kind)s)."
        ) % {"accepted": 1, "asked": 2, "kind": str(Unit.Kind.COMMUNE.label).lower()}
    assert summary in text_of
    rolled_figures = {r.cells[1].text: r.cells[2].text for r in rolled.tables[1].rows[1:]}
    assert rolled_figures["Tổng số hội viên (cuối kỳ)"] == "1"
    book = CalamineWorkbook.from_filelike(io.BytesIO(
        client.get(reverse("reporting:request_workbook", args=[issued.pk])).content))  # fmt: skip
    rows = book.get_sheet_by_index(0).to_python()
    names = [r[0] for r in rows[3:]]
    assert names[:2] == ["Hội LHPN phường Cái Khế", "Hội LHPN phường Ninh Kiều"]
    header = rows[2]
    column = next(i for i, h in enumerate(header) if str(h).startswith("HV_TONG"))
    assert rows[4][column] == 1 and rows[3][column] == ""  # Cái Khế has sent nothing
    assert rows[-1][column] == 1  # the roll-up

    client.force_login(xa_officer_other)
    assert client.get(reverse("reporting:submission_word", args=[sub.pk])).status_code == 404
    assert client.get(reverse("reporting:request_workbook", args=[issued.pk])).status_code == 404


def test_a_template_is_edited_and_taken_out_of_use(client, tree, tinh_admin, xa_officer,
                                                  xa_officer_other, library):  # fmt: skip
    """Its name and indicators change while unused; once a request used it only its name and
    whether it is in use do; a template out of use is not offered; the sibling gets 404."""
    from hoiso.reporting.models import ReportTemplate
    from hoiso.reporting.services import request_issue, template_create
    from tests.reporting.helpers import quarter_now

    made = template_create(actor=xa_officer, unit=tree.a, name="Báo cáo tháng",
                           indicators=[library["TT_BUOI"]], sections=["results"])  # fmt: skip
    edit = reverse("reporting:template_edit", args=[made.pk])
    client.force_login(xa_officer)
    assert edit in text(client.get(reverse("reporting:template_list")))
    data = {"name": "Báo cáo tháng của phường", "active": "on", "sections": ["results", "tasks"],
            "indicators": [library["TT_BUOI"].pk, library["HV_TONG"].pk]}  # fmt: skip
    assert client.post(edit, data).status_code == 302
    made.refresh_from_db()
    assert made.name == "Báo cáo tháng của phường" and made.sections == ["results", "tasks"]
    assert [i.code for i in made.ordered_indicators()] == ["TT_BUOI", "HV_TONG"]
    # No indicator at all: refused, nothing written.
    response = client.post(edit, {**data, "indicators": []})
    assert response.status_code == 200
    assert [i.code for i in made.ordered_indicators()] == ["TT_BUOI", "HV_TONG"]

    year, number = quarter_now()
    request_issue(actor=xa_officer, unit=tree.a, template=made, kind="quarter", year=year,
                  number=number, recipient_kind="branch",
                  deadline=datetime.date.today() + datetime.timedelta(days=3))  # fmt: skip
    page = text(client.get(edit))
    with translation.override("vi"):
        assert "1" in page and gettext("Edit the template") in page
    # Once used, a change of indicators is ignored (the fields are locked); the name changes,
    # and it is taken out of use.
    response = client.post(
        edit, {"name": "Báo cáo tháng (cũ)", "indicators": [library["HV_TONG"].pk]}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.name == "Báo cáo tháng (cũ)" and not made.active
    assert [i.code for i in made.ordered_indicators()] == ["TT_BUOI", "HV_TONG"]
    listing = text(client.get(reverse("reporting:template_list")))
    assert "Báo cáo tháng (cũ)" in listing
    form = client.get(reverse("reporting:request_create")).context["form"]
    assert made not in form.fields["template"].queryset
    # The sibling, and the national templates for a commune officer: 404.
    client.force_login(xa_officer_other)
    assert client.get(edit).status_code == 404
    assert client.post(edit, data).status_code == 404
    made.refresh_from_db()
    assert made.name == "Báo cáo tháng (cũ)"
    national = ReportTemplate.objects.filter(unit__isnull=True).first() or template_create(
        actor=tinh_admin, unit=None, name="Mẫu chung", indicators=[library["HV_TONG"]],
        sections=["results"])  # fmt: skip
    client.force_login(xa_officer)
    assert client.get(reverse("reporting:template_edit", args=[national.pk])).status_code == 404


def test_a_used_template_refuses_new_indicators_in_the_service(tree, xa_officer, library):
    from hoiso.core.errors import ServiceError
    from hoiso.reporting.services import request_issue, template_create, template_update
    from tests.reporting.helpers import quarter_now

    made = template_create(actor=xa_officer, unit=tree.a, name="Báo cáo tháng",
                           indicators=[library["TT_BUOI"]], sections=["results"])  # fmt: skip
    year, number = quarter_now()
    request_issue(actor=xa_officer, unit=tree.a, template=made, kind="quarter", year=year,
                  number=number, recipient_kind="branch",
                  deadline=datetime.date.today() + datetime.timedelta(days=3))  # fmt: skip
    with pytest.raises(ServiceError):
        template_update(actor=xa_officer, template=made, name="X", active=True,
                        indicators=[library["HV_TONG"]])  # fmt: skip
    made.refresh_from_db()
    assert made.name == "Báo cáo tháng" and [i.code for i in made.ordered_indicators()] == [
        "TT_BUOI"
    ]
