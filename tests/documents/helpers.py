"""The documents world of the authorisation matrix (targets in commune A) and the snapshot
of the documents tables."""

from __future__ import annotations

import datetime

from tests.documents.conftest import docx, pdf

DRAFT_OF_A = "Kế hoạch tập huấn chuyển đổi số của phường Ninh Kiều"
TO_A = "Công văn của tỉnh gửi phường Ninh Kiều về rà soát hội viên"
INCOMING_OF_A = "Thông báo của Đảng ủy phường Ninh Kiều về lịch tiếp dân"


def documents_world(w) -> dict:
    """Built once per test (the world is): a draft of A to its branches, a letter from the
    province to A asking a response, a report A asked of branch a2 already answered with a
    file, and an incoming document registered and handled by A."""
    from hoiso.documents.models import IncomingDocument, OutgoingDocument
    from hoiso.documents.services import (
        delivery_respond,
        document_create,
        document_issue,
        incoming_register,
    )

    if getattr(w, "_documents", None):
        return w._documents
    found = OutgoingDocument.objects.filter(summary=DRAFT_OF_A).first()
    admin, officer, tree = w.users["tinh_admin"], w.users["xa_officer"], w.tree
    due = datetime.date.today() + datetime.timedelta(days=10)
    if found is None:
        base = {"doc_type": "KH", "signer": "Nguyễn Thị Lan", "recipients_mode": "level",
                "recipients_kind": "branch"}  # fmt: skip
        draft = document_create(actor=officer, unit=tree.a, data={**base, "summary": DRAFT_OF_A},
                                uploads=[docx("ke-hoach.docx", "Tập huấn")])  # fmt: skip
        letter = document_issue(actor=admin, document=document_create(
            actor=admin, unit=tree.p, uploads=[pdf()],
            data={**base, "doc_type": "CV", "summary": TO_A, "recipients_mode": "units",
                  "recipient_units": [tree.a], "response_required": True, "response_due": due}))  # fmt: skip
        report = document_issue(actor=officer, document=document_create(
            actor=officer, unit=tree.a, uploads=[pdf()],
            data={**base, "doc_type": "BC", "summary": "Báo cáo nhanh của chi hội",
                  "recipients_mode": "units", "recipient_units": [tree.a2],
                  "response_required": True, "response_due": due}))  # fmt: skip
        delivery_respond(actor=officer, delivery=report.deliveries.get(), text="Đã báo cáo",
                         upload=pdf("tra-loi.pdf"))  # fmt: skip
        incoming_register(actor=officer, registrar=tree.a, handler=tree.a, upload=pdf("den.pdf"),
                          data={"sender": "Đảng ủy phường Ninh Kiều", "their_number": "15-TB/ĐU",
                                "summary": INCOMING_OF_A})  # fmt: skip
    else:
        draft = found
        letter = OutgoingDocument.objects.get(summary=TO_A)
        report = OutgoingDocument.objects.get(doc_type="BC", unit=tree.a)
    w._documents = {
        "draft": draft,
        "delivery": letter.deliveries.get(),
        "answered": report.deliveries.get(),
        "incoming": IncomingDocument.objects.get(summary=INCOMING_OF_A),
    }
    return w._documents


def documents_snapshot() -> dict[str, list]:
    """Every row the documents services write, except a delivery's read receipt (opening a
    received document writes it: the matrix checks it on its own)."""
    from hoiso.documents.models import (
        Attachment,
        Delivery,
        DocumentCounter,
        IncomingDocument,
        OutgoingDocument,
    )

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "documents": rows(
            OutgoingDocument,
            "unit_id",
            "status",
            "doc_type",
            "number",
            "summary",
            "signer",
            "recipients_kind",
            "response_due",
        ),  # fmt: skip
        "document_attachments": rows(Attachment, "document_id", "name"),
        "document_deliveries": rows(
            Delivery, "document_id", "unit_id", "response_text", "responded_at"
        ),  # fmt: skip
        "document_counters": rows(DocumentCounter, "unit_id", "series", "year", "last"),
        "incoming_documents": rows(
            IncomingDocument, "unit_id", "entry_number", "sender", "their_number", "summary"
        ),  # fmt: skip
    }


def with_documents(snapshot):
    return lambda: {**snapshot(), **documents_snapshot()}
