"""Issuing delivers to every recipient unit's inbox, tells its nearest officials (in-app and
by e-mail, received by a real SMTP server on loopback), records read receipts when the
unit's own official opens it, and takes responses; the issuer sees who has not read or
answered."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from hoiso.core.audit import AuditEntry
from hoiso.documents.models import Delivery
from hoiso.documents.services import (
    DocumentError,
    delivery_open,
    delivery_respond,
    document_create,
    document_issue,
)
from hoiso.notifications.models import Notification
from hoiso.notifications.services import mail_send_due
from tests.documents.conftest import docx, draft_data, pdf

pytestmark = pytest.mark.django_db


def test_sent_to_all_communes_one_delivery_each_and_their_officials_told(
    draft, tinh_admin, xa_officer, xa_officer_other, chi_hoi_leader, tree
):
    document = document_issue(actor=tinh_admin, document=draft)
    assert sorted(d.unit.name for d in document.deliveries.all()) == sorted(
        [tree.a.name, tree.b.name]
    )
    assert {d.unit_path for d in document.deliveries.all()} == {tree.a.path, tree.b.path}
    told = Notification.objects.filter(kind="document.received")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "xa_officer", "xa_officer_other"]  # fmt: skip
    mine = told.get(recipient=xa_officer)
    assert mine.url == reverse("documents:delivery_detail",
                               args=[document.deliveries.get(unit=tree.a).pk])  # fmt: skip
    assert "1/KH-HPN" in mine.title and document.summary in mine.body
    assert AuditEntry.objects.filter(action="document.issue", object_id=str(document.pk)).exists()


def test_the_mail_arrives_at_a_real_smtp_server(draft, tinh_admin, xa_officer, xa_officer_other,
                                                 smtp):  # fmt: skip
    document = document_issue(actor=tinh_admin, document=draft)
    assert mail_send_due().sent == 2
    by_address = {rcpt: m for m in smtp.received for rcpt in m.rcpt_tos}
    assert set(by_address) == {"xa_officer@hoiso.test", "xa_officer_other@hoiso.test"}
    mail = by_address["xa_officer@hoiso.test"]
    assert document.symbol in mail.subject
    assert document.summary in mail.text
    assert "https://hoiso.example.vn/" in mail.text


def test_picked_units_only_within_the_issuers_subtree(xa_officer, tree, english):
    data = draft_data(recipients_mode="units", recipient_units=[tree.a1, tree.a2a])
    document = document_create(actor=xa_officer, unit=tree.a, data=data, uploads=[docx()])
    document_issue(actor=xa_officer, document=document)
    assert sorted(document.deliveries.values_list("unit_id", flat=True)) == sorted(
        [tree.a1.pk, tree.a2a.pk])  # fmt: skip
    with pytest.raises(DocumentError, match="below the issuing unit"):
        document_create(actor=xa_officer, unit=tree.a,
                        data=draft_data(recipients_mode="units", recipient_units=[tree.b1]))  # fmt: skip


def test_only_officials_of_the_unit_issue_it(draft, xa_officer, english):
    with pytest.raises(DocumentError):
        document_issue(actor=xa_officer, document=draft)
    draft.refresh_from_db()
    assert draft.is_draft and not Delivery.objects.exists()


def test_issued_twice_is_refused(draft, tinh_admin, english):
    document_issue(actor=tinh_admin, document=draft)
    with pytest.raises(DocumentError, match="already been issued"):
        document_issue(actor=tinh_admin, document=draft)
    assert Delivery.objects.count() == 2


def test_read_receipt_by_the_units_official_only(draft, tinh_admin, xa_officer, tree):
    document_issue(actor=tinh_admin, document=draft)
    delivery = Delivery.objects.get(unit=tree.a)
    assert delivery_open(actor=tinh_admin, delivery=delivery) is False  # a superior peeking
    assert delivery_open(actor=xa_officer, delivery=delivery) is True
    delivery.refresh_from_db()
    assert delivery.read_by == xa_officer and delivery.read_at is not None
    first = delivery.read_at
    assert delivery_open(actor=xa_officer, delivery=delivery) is False  # first reading kept
    delivery.refresh_from_db()
    assert delivery.read_at == first


def test_a_branch_without_an_official_is_read_by_its_commune(xa_officer, tree):
    data = draft_data(recipients_mode="units", recipient_units=[tree.a2])
    document = document_issue(actor=xa_officer, document=document_create(
        actor=xa_officer, unit=tree.a, data=data, uploads=[docx()]))  # fmt: skip
    delivery = document.deliveries.get()
    assert delivery_open(actor=xa_officer, delivery=delivery) is True


def respond_draft(tinh_admin, tree, due):
    data = draft_data(doc_type="CV", response_required=True, response_due=due)
    return document_issue(actor=tinh_admin, document=document_create(
        actor=tinh_admin, unit=tree.p, data=data, uploads=[pdf()]))  # fmt: skip


def test_response_recorded_once_and_counts_as_read(tinh_admin, xa_officer, xa_officer_other,
                                                    tree, english):  # fmt: skip
    document = respond_draft(tinh_admin, tree, timezone.localdate() + datetime.timedelta(days=5))
    delivery = document.deliveries.get(unit=tree.a)
    with pytest.raises(DocumentError):
        delivery_respond(actor=xa_officer_other, delivery=delivery, text="Không phải của tôi")
    delivery_respond(actor=xa_officer, delivery=delivery, text="Đã triển khai đến các chi hội.",
                     upload=docx("bao-cao.docx"))  # fmt: skip
    delivery.refresh_from_db()
    assert delivery.responded_by == xa_officer and delivery.read_by == xa_officer
    assert delivery.response_file_name == "bao-cao.docx"
    with pytest.raises(DocumentError, match="already answered"):
        delivery_respond(actor=xa_officer, delivery=delivery, text="Lần hai")
    with pytest.raises(DocumentError, match="Write the response"):
        delivery_respond(actor=xa_officer_other, delivery=document.deliveries.get(unit=tree.b),
                         text="  ")  # fmt: skip


def test_no_response_to_a_document_that_asks_none(draft, tinh_admin, xa_officer, tree, english):
    document_issue(actor=tinh_admin, document=draft)
    with pytest.raises(DocumentError, match="does not ask"):
        delivery_respond(actor=xa_officer, delivery=Delivery.objects.get(unit=tree.a), text="x")


def test_issuer_page_lists_who_has_not_read_or_answered_overdue_highlighted(
    client, tinh_admin, xa_officer, xa_officer_other, tree, english
):
    document = respond_draft(tinh_admin, tree, timezone.localdate() - datetime.timedelta(days=1))
    delivery_respond(actor=xa_officer, delivery=document.deliveries.get(unit=tree.a), text="Xong")
    client.force_login(tinh_admin)
    response = client.get(reverse("documents:outgoing_detail", args=[document.pk]))
    rows = {d.unit.name: d for d in response.context["deliveries"]}
    assert rows[tree.b.name].read_at is None and rows[tree.b.name].is_overdue
    assert rows[tree.a.name].responded_at is not None and not rows[tree.a.name].is_overdue
    assert (response.context["read"], response.context["answered"]) == (1, 1)
    html = response.content.decode()
    with translation.override("vi"):  # the page speaks the request's language
        read = translation.gettext("%(read)s of %(total)s units have read it.") % {
            "read": 1,
            "total": 2,
        }
        answered = translation.gettext("%(answered)s of %(total)s have answered.") % {
            "answered": 1, "total": 2}  # fmt: skip
        overdue = translation.gettext("Overdue")
    assert read in html and answered in html
    assert html.count('class="table-danger"') == 1 and overdue in html
    # not answered first
    assert [d.unit.name for d in response.context["deliveries"]][0] == tree.b.name
