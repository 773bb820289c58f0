"""Checking the file of a study material before it is stored: PDF or Word (.docx), not
empty, within `HOISO_STUDY_MAX_BYTES` (default: the site's upload limit), and content that is
what the extension says (core.uploads: a PDF starts with "%PDF-", a DOCX is a ZIP package
holding word/document.xml)."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.core.uploads import clean_name, content_matches, extension_of

ALLOWED = ("pdf", "docx")


class FileRefused(ServiceError):
    """A file refused; the message is for the official."""


def max_bytes() -> int:
    return getattr(settings, "HOISO_STUDY_MAX_BYTES", settings.HOISO_MAX_UPLOAD_BYTES)


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
            }  # fmt: skip
        )
    if not content_matches(upload, extension):
        raise FileRefused(
            _("“%(name)s” is not a real %(kind)s file (its content does not match its extension).")
            % {"name": name, "kind": extension.upper()}
        )
    return name
