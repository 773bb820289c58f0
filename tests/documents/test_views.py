"""The pages as officials use them, and their scoping: out of scope is 404 and changes
nothing. Every persona × view is also in tests/test_authorization_matrix.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from hoiso.documents.models import Attachment, Delivery, IncomingDocument, OutgoingDocument
from hoiso.documents.services import document_issue
from tests.documents.conftest import PDF, docx, docx_bytes, pdf

pytestmark = pytest.mark.django_db


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def form(**extra):
    data = {"doc_type": "KH", "summary": "Kế hoạch tháng hành động vì bình đẳng giới",
            "signer": "Trần Thị Hồng", "recipients_mode": "level", "recipients_kind": "commune"}  # fmt: skip
    data.update(extra)
    return data


def test_draft_issue_open_and_respond_through_the_pages(client, tinh_admin, xa_officer, tree):
    client.force_login(tinh_admin)
    response = client.post(reverse("documents:outgoing_create"), form(
        doc_type="CV", response_required="on", response_due="31/12/2030",
        files=[docx("cv.docx", "Đề nghị báo cáo kết quả"), pdf("cv.pdf")]))  # fmt: skip
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302 and document.attachments.count() == 2
    assert document.response_required and document.unit == tree.p
    response = client.post(reverse("documents:outgoing_issue", args=[document.pk]))
    document.refresh_from_db()
    assert document.symbol == "1/CV-HPN" and Delivery.objects.count() == 2

    client.force_login(xa_officer)
    inbox = client.get(reverse("documents:inbox"))
    assert [d.document_id for d in inbox.context["page"]] == [document.pk]
    delivery = Delivery.objects.get(unit=tree.a)
    page = client.get(reverse("documents:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200 and "1/CV-HPN" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.read_by == xa_officer
    attachment = document.attachments.get(name="cv.pdf")
    download = client.get(reverse("documents:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.post(reverse("documents:delivery_detail", args=[delivery.pk]),
                {"text": "Phường đã báo cáo.", "file": pdf("tl.pdf")})  # fmt: skip
    delivery.refresh_from_db()
    assert (
        delivery.response_text == "Phường đã báo cáo." and delivery.response_file_name == "tl.pdf"
    )

    client.force_login(tinh_admin)
    answer = client.get(reverse("documents:response_file", args=[delivery.pk]))
    assert answer.status_code == 200


def test_a_bad_file_shows_the_message_on_the_form(client, tinh_admin):
    client.force_login(tinh_admin)
    response = client.post(reverse("documents:outgoing_create"),
                           form(files=[pdf("gia.pdf", docx_bytes("x"))]))  # fmt: skip
    assert response.status_code == 200
    expected = vi("“%(name)s” is not a real %(kind)s file (its content does not match its "
                  "extension).") % {"name": "gia.pdf", "kind": "PDF"}  # fmt: skip
    assert expected in response.content.decode()
    assert not OutgoingDocument.objects.exists() and not Attachment.objects.exists()


def test_a_duplicate_incoming_number_shows_the_message(client, xa_officer, tree):
    client.force_login(xa_officer)
    data = {"sender": "UBND phường", "their_number": "12/UBND", "summary": "Về việc trực Tết",
            "received_on": "02/03/2026", "handler": tree.a1.pk}  # fmt: skip
    assert client.post(reverse("documents:incoming_create"), data).status_code == 302
    response = client.post(reverse("documents:incoming_create"), data)
    expected = vi("Document %(number)s of %(sender)s is already in the register; nothing was "
                  "added.") % {"number": "12/UBND", "sender": "UBND phường"}  # fmt: skip
    assert expected in response.content.decode()
    assert IncomingDocument.objects.count() == 1
    assert IncomingDocument.objects.get().unit == tree.a1


def test_out_of_scope_is_404_and_changes_nothing(client, draft, tinh_admin, xa_officer,
                                                 xa_officer_other, chi_hoi_leader, tree):  # fmt: skip
    document_issue(actor=tinh_admin, document=draft)
    delivery_a = Delivery.objects.get(unit=tree.a)
    attachment = draft.attachments.get()
    client.force_login(xa_officer_other)
    assert client.get(reverse("documents:delivery_detail", args=[delivery_a.pk])).status_code == 404
    assert client.post(reverse("documents:delivery_detail", args=[delivery_a.pk]),
                       {"text": "x"}).status_code == 404  # fmt: skip
    assert client.get(reverse("documents:outgoing_detail", args=[draft.pk])).status_code == 404
    client.force_login(chi_hoi_leader)  # below the recipient commune: not its inbox
    assert client.get(reverse("documents:delivery_detail", args=[delivery_a.pk])).status_code == 404
    assert client.get(reverse("documents:attachment_download",
                              args=[attachment.pk])).status_code == 404  # fmt: skip
    client.force_login(xa_officer)  # a recipient reads the issuer's file, not edits the document
    assert client.get(reverse("documents:attachment_download",
                              args=[attachment.pk])).status_code == 200  # fmt: skip
    assert client.get(reverse("documents:outgoing_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("documents:outgoing_issue", args=[draft.pk])).status_code == 404
    delivery_a.refresh_from_db()
    assert delivery_a.read_at is None and delivery_a.responded_at is None


def test_a_draft_is_not_readable_by_its_future_recipients(client, draft, xa_officer):
    client.force_login(xa_officer)
    attachment = draft.attachments.get()
    assert client.get(reverse("documents:attachment_download",
                              args=[attachment.pk])).status_code == 404  # fmt: skip
    assert client.get(reverse("documents:inbox")).context["page"].paginator.count == 0


def test_a_superior_looking_does_not_mark_read(client, draft, tinh_admin, xa_officer, tree):
    """The commune has its own official: the province admin opening its copy is no reading
    by the commune (without one, she is the one told, and her opening counts)."""
    document_issue(actor=tinh_admin, document=draft)
    delivery = Delivery.objects.get(unit=tree.a)
    client.force_login(tinh_admin)
    assert client.get(reverse("documents:delivery_detail", args=[delivery.pk])).status_code == 200
    delivery.refresh_from_db()
    assert delivery.read_at is None


def test_an_issued_document_cannot_be_edited(client, draft, tinh_admin):
    document_issue(actor=tinh_admin, document=draft)
    client.force_login(tinh_admin)
    response = client.post(reverse("documents:outgoing_edit", args=[draft.pk]),
                           form(summary="Sửa sau khi ban hành"))  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary != "Sửa sau khi ban hành"


def test_edit_a_draft_removes_and_adds_files(client, draft, tinh_admin,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    import os

    client.force_login(tinh_admin)
    old = draft.attachments.get()
    old_path = old.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:outgoing_edit", args=[draft.pk]),
                    form(summary="Kế hoạch đã sửa", remove=[old.pk], files=[pdf("moi.pdf")]))  # fmt: skip
    draft.refresh_from_db()
    assert draft.summary == "Kế hoạch đã sửa"
    assert list(draft.attachments.values_list("name", flat=True)) == ["moi.pdf"]
    assert "to chuc hoi thi" not in draft.search_folded  # the removed file's text is gone
    assert not os.path.exists(old_path)  # its file too, once the change is committed


def test_list_pages_render_for_a_phone_sized_official(client, draft, tinh_admin):
    client.force_login(tinh_admin)
    for name in ("inbox", "outgoing_list", "incoming_list", "outgoing_create", "incoming_create"):
        assert client.get(reverse(f"documents:{name}")).status_code == 200, name
    page = client.get(reverse("documents:outgoing_list") + "?q=ngay phu nu")
    assert [d.pk for d in page.context["page"]] == [draft.pk]


def test_a_member_without_role_sees_nothing(client, draft, member):
    client.force_login(member)
    for name in ("inbox", "outgoing_list", "incoming_list", "outgoing_create"):
        assert client.get(reverse(f"documents:{name}")).status_code == 404, name


@pytest.mark.parametrize("name", ["inbox", "outgoing_list", "incoming_list"])
def test_list_queries_do_not_grow_with_rows(client, name, tinh_admin, xa_officer, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoiso.documents.services import document_create, incoming_register
    from tests.documents.conftest import draft_data

    def add(n):
        for i in range(n):
            document = document_create(actor=tinh_admin, unit=tree.p, uploads=[pdf()],
                                       data=draft_data(summary=f"Văn bản {i}"))  # fmt: skip
            document_issue(actor=tinh_admin, document=document)
            incoming_register(actor=xa_officer, registrar=tree.a, handler=tree.a,
                              data={"sender": "UBND", "their_number": f"{n}-{i}/UBND",
                                    "summary": f"Văn bản đến {i}"})  # fmt: skip

    client.force_login(xa_officer)
    url = reverse(f"documents:{name}")
    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
