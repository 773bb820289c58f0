"""Every write of the documents app: drafting and editing outgoing documents, issuing them
(number, deliveries, notifications), reading and answering them in a recipient unit, and the
incoming register. Each checks the actor's scope again, runs in one transaction (a refused
file or a duplicate number leaves nothing written) and is audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.selectors import nearest_holders
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.text import fold, normalize
from hoiso.documents import files
from hoiso.documents.models import (
    INCOMING_SERIES,
    SYMBOLS,
    UNIT_ABBREVIATIONS,
    Attachment,
    Delivery,
    DocumentCounter,
    IncomingDocument,
    OutgoingDocument,
    Recipients,
)
from hoiso.notifications.services import notify
from hoiso.org.models import Unit


class DocumentError(ServiceError):
    """A document request refused; the message is for the official."""


def _require(actor, action: str, unit: Unit) -> None:
    if not user_can(actor, action, unit.path):
        raise DocumentError(_("You may not do this for a unit outside your own subtree."))


def next_number(*, unit: Unit, series: str, year: int) -> int:
    """The next number of a unit's series in a year. Must run inside the caller's
    transaction: the counter row stays locked until it commits, so a concurrent issue waits
    and takes the following number; a rolled-back issue gives its number back."""
    counter, _created = DocumentCounter.objects.get_or_create(unit=unit, series=series, year=year)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def symbol_for(*, number: int, doc_type: str, unit: Unit) -> str:
    """ "15/KH-HPN": number / type symbol - the issuer's abbreviation (models.UNIT_ABBREVIATIONS)."""
    return f"{number}/{SYMBOLS[doc_type]}-{UNIT_ABBREVIATIONS.get(unit.kind, 'HPN')}"


def _search_text(document: OutgoingDocument) -> str:
    texts = [document.symbol, document.summary, document.signer,
             *document.attachments.values_list("text_folded", flat=True)]  # fmt: skip
    return " ".join(fold(text) for text in texts if text)


def _attach(document: OutgoingDocument, uploads: Iterable) -> None:
    for upload in uploads:
        name = files.check(upload)
        Attachment.objects.create(document=document, file=upload, name=name, size=upload.size,
                                  text_folded=files.folded_text(upload, name))  # fmt: skip


def _check_uploads(uploads: Iterable) -> list:
    uploads = list(uploads or [])
    for upload in uploads:
        files.check(upload)  # before anything is written
    return uploads


def _recipient_units(actor, issuer: Unit, mode: str, kind: str, units: Iterable[Unit]) -> list:
    """The active units a document goes to, all strictly inside the issuer's subtree."""
    below = Unit.objects.active().filter(path__startswith=issuer.path).exclude(pk=issuer.pk)
    if mode == Recipients.LEVEL:
        chosen = list(below.filter(kind=kind)) if kind else []
    else:
        wanted = {unit.pk for unit in units}
        chosen = list(below.filter(pk__in=wanted))
        if len(chosen) != len(wanted):
            raise DocumentError(_("Recipients must be active units below the issuing unit."))
    return chosen


def _apply(document: OutgoingDocument, data: dict) -> list[Unit]:
    document.doc_type = data["doc_type"]
    document.summary = normalize(data["summary"])
    document.signer = normalize(data.get("signer", ""))
    document.issued_on = data.get("issued_on")
    document.recipients_mode = data.get("recipients_mode") or Recipients.LEVEL
    document.recipients_kind = data.get("recipients_kind") or ""
    document.response_required = bool(data.get("response_required"))
    document.response_due = data.get("response_due") if document.response_required else None
    if not document.summary:
        raise DocumentError(_("Write the summary of the document."))
    if document.response_required and not document.response_due:
        raise DocumentError(_("Give the deadline of the response."))
    units = list(data.get("recipient_units") or [])
    if document.recipients_mode == Recipients.UNITS:
        return units
    return []


@transaction.atomic
def document_create(*, actor, unit: Unit, data: dict, uploads: Iterable = ()) -> OutgoingDocument:
    """A draft of `unit` (the actor must manage it); its attachments are checked first."""
    _require(actor, Action.MANAGE_UNITS, unit)
    uploads = _check_uploads(uploads)
    document = OutgoingDocument(unit=unit, created_by=actor)
    units = _apply(document, data)
    _recipient_units(actor, unit, document.recipients_mode, document.recipients_kind, units)
    document.save()
    document.recipient_units.set(units)
    _attach(document, uploads)
    document.search_folded = _search_text(document)
    document.save(update_fields=["search_folded"])
    audit.record(actor=actor, action="document.create", obj=document)
    return document


@transaction.atomic
def document_update(*, actor, document: OutgoingDocument, data: dict, uploads: Iterable = (),
                    remove: Iterable[int] = ()) -> OutgoingDocument:  # fmt: skip
    """Change a draft: its fields, new attachments, attachments removed by id."""
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    _require(actor, Action.MANAGE_UNITS, document.unit)
    if not document.is_draft:
        raise DocumentError(_("An issued document can no longer be changed."))
    uploads = _check_uploads(uploads)
    units = _apply(document, data)
    _recipient_units(actor, document.unit, document.recipients_mode, document.recipients_kind,
                     units)  # fmt: skip
    document.save()
    document.recipient_units.set(units)
    for attachment in document.attachments.filter(pk__in=list(remove)):
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    _attach(document, uploads)
    document.search_folded = _search_text(document)
    document.save(update_fields=["search_folded"])
    audit.record(actor=actor, action="document.update", obj=document)
    return document


@transaction.atomic
def document_issue(*, actor, document: OutgoingDocument, on: datetime.date | None = None
                   ) -> OutgoingDocument:  # fmt: skip
    """Give the draft its number (per unit, type and year), deliver it to each recipient
    unit's inbox and tell each unit's nearest officials (in-app and by e-mail, after commit)."""
    document = (
        OutgoingDocument.objects.select_for_update().select_related("unit").get(pk=document.pk)
    )
    _require(actor, Action.MANAGE_UNITS, document.unit)
    if not document.is_draft:
        raise DocumentError(_("This document has already been issued."))
    recipients = _recipient_units(actor, document.unit, document.recipients_mode,
                                  document.recipients_kind, document.recipient_units.all())  # fmt: skip
    if not recipients:
        raise DocumentError(_("Choose at least one recipient unit."))
    if not document.attachments.exists():
        raise DocumentError(_("Attach the signed document (PDF or Word) before issuing it."))
    issued_on = on or document.issued_on or timezone.localdate()
    document.year = issued_on.year
    document.issued_on = issued_on
    document.number = next_number(unit=document.unit, series=document.doc_type, year=document.year)
    document.symbol = symbol_for(number=document.number, doc_type=document.doc_type,
                                 unit=document.unit)  # fmt: skip
    document.status = OutgoingDocument.Status.ISSUED
    document.issued_by = actor
    document.issued_at = timezone.now()
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # a counter out of step with the documents: never reuse
        raise DocumentError(
            _("Number %(symbol)s is already taken; nothing was issued.")
            % {"symbol": document.symbol}
        ) from exc
    document.search_folded = _search_text(document)
    document.save(update_fields=["search_folded"])
    deliveries = Delivery.objects.bulk_create(
        [Delivery(document=document, unit=unit, unit_path=unit.path) for unit in recipients]
    )
    _notify_recipients(document, deliveries)
    audit.record(actor=actor, action="document.issue", obj=document,
                 details={"symbol": document.symbol, "recipients": len(deliveries)})  # fmt: skip
    return document


def _notify_recipients(document: OutgoingDocument, deliveries: list[Delivery]) -> None:
    title = _("%(type)s %(symbol)s from %(unit)s") % {
        "type": document.get_doc_type_display(), "symbol": document.symbol,
        "unit": document.unit.name,
    }  # fmt: skip
    body = document.summary
    if document.response_required:
        body += "\n" + _("A response is required by %(date)s.") % {
            "date": document.response_due.strftime("%d/%m/%Y")
        }
    for delivery in deliveries:
        people = nearest_holders(unit=delivery.unit, action=Action.VIEW)
        if people:
            notify(recipients=people, kind="document.received", title=title, body=body,
                   url=reverse("documents:delivery_detail", args=[delivery.pk]),
                   unit=delivery.unit, email=True)  # fmt: skip


def delivery_open(*, actor, delivery: Delivery) -> bool:
    """Record the read receipt when one of the unit's own officials (those told of the
    document: nearest_holders) opens it for the first time. A superior looking into the
    unit's inbox is not a reading by the unit. Returns whether this opening marked it read."""
    if delivery.read_at is not None:
        return False
    if actor.pk not in {
        user.pk for user in nearest_holders(unit=delivery.unit, action=Action.VIEW)
    }:
        return False
    now = timezone.now()
    marked = Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=now, read_by=actor
    )
    if marked:
        delivery.read_at, delivery.read_by = now, actor
    return bool(marked)


@transaction.atomic
def delivery_respond(*, actor, delivery: Delivery, text: str, upload=None) -> Delivery:
    """The recipient unit's answer to a document that asks for one (once; it also counts as
    read). A late answer is taken and shown as late."""
    delivery = (
        Delivery.objects.select_for_update().select_related("document", "unit").get(pk=delivery.pk)
    )
    _require(actor, Action.MANAGE_UNITS, delivery.unit)
    if not delivery.document.response_required:
        raise DocumentError(_("This document does not ask for a response."))
    if delivery.responded_at is not None:
        raise DocumentError(_("Your unit has already answered this document."))
    text = (text or "").strip()
    if not text and upload is None:
        raise DocumentError(_("Write the response or attach a file."))
    if upload is not None:
        delivery.response_file_name = files.check(upload)
        delivery.response_file = upload
    now = timezone.now()
    delivery.response_text = text
    delivery.responded_at, delivery.responded_by = now, actor
    if delivery.read_at is None:
        delivery.read_at, delivery.read_by = now, actor
    delivery.save()
    audit.record(actor=actor, action="document.respond", obj=delivery,
                 details={"document": delivery.document.symbol})  # fmt: skip
    return delivery


@transaction.atomic
def incoming_register(*, actor, registrar: Unit, handler: Unit, data: dict, upload=None
                      ) -> IncomingDocument:  # fmt: skip
    """Enter a document from outside in `registrar`'s register, with the next entry number
    of the year, assigned to `handler` (the registrar or a unit below it). The same sender's
    number twice in one register is refused."""
    _require(actor, Action.MANAGE_UNITS, registrar)
    if not handler.path.startswith(registrar.path):
        raise DocumentError(_("The handling unit must be the registering unit or one below it."))
    sender = normalize(data["sender"])
    their_number = normalize(data["their_number"])
    if not sender or not their_number:
        raise DocumentError(_("Give the sender and the number of the document."))
    name = files.check(upload) if upload is not None else ""
    if IncomingDocument.objects.filter(registered_by_unit=registrar, sender_folded=fold(sender),
                                       their_number=their_number).exists():  # fmt: skip
        raise DocumentError(
            _("Document %(number)s of %(sender)s is already in the register; nothing was added.")
            % {"number": their_number, "sender": sender}
        )
    received_on = data.get("received_on") or timezone.localdate()
    document = IncomingDocument(
        unit=handler, registered_by_unit=registrar, sender=sender, sender_folded=fold(sender),
        their_number=their_number, their_date=data.get("their_date"), received_on=received_on,
        summary=normalize(data["summary"]), created_by=actor, year=received_on.year,
        entry_number=next_number(unit=registrar, series=INCOMING_SERIES, year=received_on.year),
    )  # fmt: skip
    text = ""
    if upload is not None:
        document.file, document.file_name = upload, name
        text = files.folded_text(upload, name)
    document.search_folded = " ".join(
        filter(None, [fold(their_number), fold(sender), fold(document.summary), text])
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # the same number entered at the same moment
        raise DocumentError(
            _("Document %(number)s of %(sender)s is already in the register; nothing was added.")
            % {"number": their_number, "sender": sender}
        ) from exc
    audit.record(actor=actor, action="document.register_incoming", obj=document)
    return document
