"""Checking a file attached to a report before it is stored: an allowed extension (PDF, DOCX,
XLSX), within the size limit, and content that is what the extension says — read from the
file's first bytes and, for the Office formats (ZIP packages), from the part every such
document must hold. A renamed executable or a .doc saved as .docx is refused."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.core.uploads import PACKAGES, clean_name, content_matches, extension_of

ALLOWED = ("pdf", *PACKAGES)


class AttachmentError(ServiceError):
    """A file refused; the message is for the official."""


def max_bytes() -> int:
    return getattr(settings, "HOISO_REPORT_ATTACHMENT_MAX_BYTES", settings.HOISO_MAX_UPLOAD_BYTES)


def check(upload) -> str:
    """The cleaned file name of an acceptable upload, else AttachmentError."""
    name = clean_name(upload)
    extension = extension_of(name)
    if extension not in ALLOWED:
        raise AttachmentError(
            _("“%(name)s”: only PDF, Word (.docx) and Excel (.xlsx) files can be attached.")
            % {"name": name or "?"}
        )
    if upload.size > max_bytes():
        raise AttachmentError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_bytes()),
            }
        )
    if upload.size == 0 or not content_matches(upload, extension):
        raise AttachmentError(
            _("“%(name)s” is not a real %(kind)s file (its content does not match its extension).")
            % {"name": name, "kind": extension.upper()}
        )
    return name
