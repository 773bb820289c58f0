"""Search without diacritics over number, summary and the text of Word attachments; the
incoming register: entry numbers per year and a duplicate number refused."""

from __future__ import annotations

import datetime

import pytest

from hoiso.core.audit import AuditEntry
from hoiso.documents.files import FileRefused
from hoiso.documents.models import IncomingDocument
from hoiso.documents.selectors import inbox, incoming_list, outgoing_list
from hoiso.documents.services import (
    DocumentError,
    document_create,
    document_issue,
    incoming_register,
)
from tests.documents.conftest import docx, draft_data, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(tinh_admin, tree):
    plan = document_issue(actor=tinh_admin, document=document_create(
        actor=tinh_admin, unit=tree.p, data=draft_data(summary="Kế hoạch Hội thi Phụ nữ khéo tay"),
        uploads=[docx("kh.docx", "Nội dung: thi nấu ăn và cắm hoa nghệ thuật")]))  # fmt: skip
    letter = document_create(actor=tinh_admin, unit=tree.p,
                             data=draft_data(doc_type="CV", summary="Về việc rà soát hội viên"),
                             uploads=[pdf()])  # fmt: skip
    return plan, letter


@pytest.mark.parametrize("query, found", [
    ("hoi thi phu nu", ["plan"]), ("KHÉO TAY", ["plan"]), ("cam hoa", ["plan"]),  # attachment text
    ("nau an nghe thuat", ["plan"]), ("ra soat", ["letter"]), ("1/KH-HPN", ["plan"]),
    ("hội", ["letter", "plan"]), ("xyz", []),
])  # fmt: skip
def test_search_without_diacritics(documents, tinh_admin, tree, query, found):
    plan, letter = documents
    names = {plan.pk: "plan", letter.pk: "letter"}
    rows = outgoing_list(user=tinh_admin, unit=tree.p, query=query)
    assert sorted(names[d.pk] for d in rows) == found


def test_the_inbox_searches_too_and_shows_unread_first(documents, tinh_admin, xa_officer, tree):
    later = document_issue(actor=tinh_admin, document=documents[1])
    assert [d.document_id for d in inbox(user=xa_officer, unit=tree.a, query="ra soat")] == [
        later.pk]  # fmt: skip
    from hoiso.documents.services import delivery_open

    delivery_open(actor=xa_officer, delivery=later.deliveries.get(unit=tree.a))
    order = [d.document_id for d in inbox(user=xa_officer, unit=tree.a)]
    assert order == [documents[0].pk, later.pk]  # the unread one first


def register(actor, registrar, handler=None, **extra):
    data = {"sender": "Ban Thường vụ Tỉnh ủy", "their_number": "123-CV/TU",
            "summary": "Về việc tổng kết công tác dân vận", "received_on": datetime.date(2026, 3, 2)}  # fmt: skip
    data.update(extra)
    return incoming_register(actor=actor, registrar=registrar, handler=handler or registrar,
                             data=data, upload=extra.pop("upload", None))  # fmt: skip


def test_entry_numbers_run_per_registrar_and_year(tinh_admin, tree):
    assert register(tinh_admin, tree.p).entry_number == 1
    assert register(tinh_admin, tree.p, their_number="45/UBND").entry_number == 2
    assert register(tinh_admin, tree.p, their_number="46/UBND",
                    received_on=datetime.date(2027, 1, 3)).entry_number == 1  # fmt: skip


def test_a_duplicate_incoming_number_is_refused_with_nothing_written(tinh_admin, tree, english):
    register(tinh_admin, tree.p)
    with pytest.raises(DocumentError, match="already in the register"):
        register(tinh_admin, tree.p, sender="BAN THƯỜNG VỤ  TỈNH ỦY", summary="Lần hai")
    assert IncomingDocument.objects.count() == 1
    assert AuditEntry.objects.filter(action="document.register_incoming").count() == 1
    assert register(tinh_admin, tree.p, their_number="124-CV/TU").entry_number == 2  # no gap


def test_incoming_file_checked_and_searchable(tinh_admin, xa_officer, tree, english):
    with pytest.raises(FileRefused):
        register(tinh_admin, tree.p, upload=pdf("x.pdf", b"<html>"))
    assert not IncomingDocument.objects.exists()
    document = register(tinh_admin, tree.p, handler=tree.a,
                        upload=docx("tu.docx", "Hướng dẫn phát động thi đua"))  # fmt: skip
    assert document.unit == tree.a and document.registered_by_unit == tree.p
    assert list(incoming_list(user=tinh_admin, unit=tree.p, query="phat dong thi dua")) == [
        document
    ]
    assert list(incoming_list(user=xa_officer, unit=tree.a, query="123-cv/tu")) == [document]


def test_the_handling_unit_must_be_below_the_registrar(xa_officer, tree, english):
    with pytest.raises(DocumentError, match="handling unit"):
        register(xa_officer, tree.a, handler=tree.b)
    with pytest.raises(DocumentError):
        register(xa_officer, tree.b)
    assert not IncomingDocument.objects.exists()
