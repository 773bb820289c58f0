"""Checking a file attached to a document before it is stored — an allowed extension (PDF,
DOCX), within the size limit, not empty, and content that is what the extension says (a PDF
starts with "%PDF-", a DOCX is a ZIP package holding word/document.xml) — and the text of a
Word file for search (read from word/document.xml with the standard library).

PDF text is not extracted: that would need a PDF library (pypdf) for what the number and the
summary already find; see the notes of the documents app."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.core.text import fold
from hoiso.core.uploads import PACKAGES, clean_name, content_matches, extension_of

ALLOWED = ("pdf", "docx")
WORD_PART = PACKAGES["docx"]
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_TEXT = 200_000  # characters of a document's text kept for search
MAX_XML_BYTES = 20 * 1024 * 1024  # a larger document.xml is not read (a ZIP bomb)


class FileRefused(ServiceError):
    """A file refused; the message is for the official."""


def max_bytes() -> int:
    return getattr(settings, "HOISO_DOCUMENT_MAX_BYTES", settings.HOISO_MAX_UPLOAD_BYTES)


def check(upload) -> str:
    """The cleaned file name of an acceptable upload, else FileRefused."""
    name = clean_name(upload)
    extension = extension_of(name)
    if extension not in ALLOWED:
        raise FileRefused(
            _("“%(name)s”: only PDF and Word (.docx) files can be attached.")
            % {"name": name or "?"}
        )
    if not upload.size:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > max_bytes():
        raise FileRefused(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_bytes()),
            }
        )
    if not content_matches(upload, extension):
        raise FileRefused(
            _("“%(name)s” is not a real %(kind)s file (its content does not match its extension).")
            % {"name": name, "kind": extension.upper()}
        )
    return name


def folded_text(upload, name: str) -> str:
    """The folded text of a checked upload for search ("" for a PDF, or a Word file whose
    text cannot be read: the file is still kept, found by number and summary)."""
    if not name.lower().endswith(".docx"):
        return ""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            if package.getinfo(WORD_PART).file_size > MAX_XML_BYTES:
                return ""
            root = ElementTree.fromstring(package.read(WORD_PART))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return ""
    finally:
        upload.seek(0)
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        words = "".join(node.text or "" for node in paragraph.iter(f"{_W}t"))
        if words:
            paragraphs.append(words)
    return fold(re.sub(r"\s+", " ", " ".join(paragraphs)))[:MAX_TEXT]
