"""Official documents: outgoing ones numbered per unit × type × year and delivered to the
inboxes of the recipient units (with read receipts and responses), and the register of
documents received from outside the Union."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.org.models import Unit, UnitOwnedModel


class DocumentType(models.TextChoices):
    """Types of administrative document (Decree 30/2020/NĐ-CP, appendix III) the Union
    issues. The value is the ASCII code; `SYMBOLS` gives the symbol written in the number."""

    PLAN = "KH", _("Plan")
    OFFICIAL_LETTER = "CV", _("Official letter")
    GUIDANCE = "HD", _("Guidance")
    ANNOUNCEMENT = "TB", _("Announcement")
    REPORT = "BC", _("Report")
    DECISION = "QD", _("Decision")
    RESOLUTION = "NQ", _("Resolution")
    PROGRAMME = "CTr", _("Programme")
    SUBMISSION = "TTr", _("Submission")
    MINUTES = "BB", _("Minutes")
    INVITATION = "GM", _("Invitation")


SYMBOLS = {choice.value: choice.value for choice in DocumentType} | {DocumentType.DECISION: "QĐ"}

# The issuing unit's abbreviation in a document number, by kind of unit: the central union
# signs "TWH", every provincial, commune and affiliated union "HPN", a branch "CHPN", a group
# "TPN". Numbers run per unit, so two communes' "15/KH-HPN" are told apart by their issuer.
UNIT_ABBREVIATIONS = {
    Unit.Kind.CENTRAL: "TWH",
    Unit.Kind.PROVINCE: "HPN",
    Unit.Kind.COMMUNE: "HPN",
    Unit.Kind.AFFILIATED: "HPN",
    Unit.Kind.BRANCH: "CHPN",
    Unit.Kind.GROUP: "TPN",
}

INCOMING_SERIES = "DEN"  # the counter series of the incoming register ("số đến")


class DocumentCounter(models.Model):
    """The last number given in one series (a document type, or the incoming register) of a
    unit in a year. Issuing locks this row (SELECT … FOR UPDATE), so numbers have no gaps
    and no duplicates however many officials issue at once."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "series", "year"], name="doc_counter_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.series}/{self.year}: {self.last}"


class Recipients(models.TextChoices):
    LEVEL = "level", _("All units of a level below")
    UNITS = "units", _("Chosen units")


class OutgoingDocument(UnitOwnedModel):
    """A document a unit issues. A draft can be edited; issuing gives it its number and
    delivers it (one Delivery per recipient unit). `search_folded` holds the number, the
    summary and the text of the attachments without diacritics."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    doc_type = models.CharField(_("type"), max_length=4, choices=DocumentType.choices)
    summary = models.CharField(_("summary"), max_length=500)
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    symbol = models.CharField(_("number and symbol"), max_length=40, blank=True, editable=False)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    recipients_mode = models.CharField(
        _("recipients"), max_length=8, choices=Recipients.choices, default=Recipients.LEVEL
    )
    recipients_kind = models.CharField(
        _("level"), max_length=12, choices=Unit.Kind.choices, blank=True
    )
    recipient_units = models.ManyToManyField(
        Unit, verbose_name=_("recipient units"), blank=True, related_name="+"
    )
    response_required = models.BooleanField(_("a response is required"), default=False)
    response_due = models.DateField(_("response deadline"), null=True, blank=True)
    search_folded = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="doc_outgoing_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_type", "year", "number"], name="doc_outgoing_number_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol or _('Draft')} — {self.summary}"[:255]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def _upload_to(instance, filename: str) -> str:
    return f"documents/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A PDF or Word file of an outgoing document, checked by its content; the text of a
    Word file is kept folded for search."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_upload_to, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    text_folded = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Delivery(UnitOwnedModel):
    """An issued document in one recipient unit's inbox (the unit owns it): when one of the
    unit's officials first opened it and, if asked, the unit's response."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="deliveries"
    )
    delivered_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    response_text = models.TextField(_("response"), blank=True)
    response_file = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    response_file_name = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="doc_delivery_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="doc_delivery_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.document.symbol} → {self.unit_id}"

    @property
    def is_overdue(self) -> bool:
        due = self.document.response_due
        return bool(
            self.document.response_required and due and self.responded_at is None
            and due < timezone.localdate()
        )  # fmt: skip


class IncomingDocument(UnitOwnedModel):
    """A document received from outside the Union (Party committee, People's Committee…),
    entered in the register of `registered_by_unit` with its entry number for the year and
    assigned to the unit that handles it (`unit`, in the registering unit's subtree)."""

    registered_by_unit = models.ForeignKey(
        Unit, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    entry_number = models.PositiveIntegerField(_("entry number"), editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    sender = models.CharField(_("sender"), max_length=255)
    sender_folded = models.CharField(max_length=255, editable=False)
    their_number = models.CharField(_("their number and symbol"), max_length=60)
    their_date = models.DateField(_("date of the document"), null=True, blank=True)
    received_on = models.DateField(_("date received"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=500)
    file = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    search_folded = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="doc_incoming_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        ordering = ["-received_on", "-entry_number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registered_by_unit", "year", "entry_number"],
                name="doc_incoming_entry_uniq",
            ),
            models.UniqueConstraint(
                fields=["registered_by_unit", "sender_folded", "their_number"],
                name="doc_incoming_theirs_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.their_number} — {self.sender}"[:255]
