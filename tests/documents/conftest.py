"""Documents tests: files as officials upload them, a draft ready to issue, and the real
loopback SMTP server of the notifications tests."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.notifications.conftest import mail_server, smtp  # noqa: F401 - shared fixtures

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"/>'
)


def docx_bytes(*paragraphs: str) -> bytes:
    """A minimal but real Word package holding these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
           f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", xml)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx(name="ke-hoach.docx", *paragraphs: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(*(paragraphs or ("Nội dung văn bản",))))


def pdf(name="cong-van.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def draft_data(**extra) -> dict:
    data = {"doc_type": "KH", "summary": "Kế hoạch tổ chức Ngày Phụ nữ Việt Nam 20/10",
            "signer": "Trần Thị Hồng", "recipients_mode": "level", "recipients_kind": "commune"}  # fmt: skip
    data.update(extra)
    return data


@pytest.fixture
def draft(tinh_admin, tree):
    """A plan of the province to all its communes, with a Word attachment."""
    from hoiso.documents.services import document_create

    return document_create(actor=tinh_admin, unit=tree.p, data=draft_data(),
                           uploads=[docx("ke-hoach.docx", "Tổ chức hội thi cắm hoa")])  # fmt: skip
