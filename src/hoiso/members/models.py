"""Members of the Union: the record, its history, consents and lifecycle events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoiso.core.scoping import ScopedQuerySet
from hoiso.core.text import person_name_fields
from hoiso.members.reference import ETHNICITY_CHOICES, RELIGION_CHOICES
from hoiso.org.models import AdministrativeArea, Unit, UnitOwnedModel

# Fields that are sensitive personal data (Personal Data Protection Law 91/2025): shown only
# to roles with Action.VIEW_SENSITIVE, and every reading is logged.
SENSITIVE_FIELDS = ("ethnicity", "religion")


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)


class Member(UnitOwnedModel):
    """A member of the Women's Union, kept by her branch or group (`unit`).

    The record is never deleted: leaving, death and transfers change `status` and add a
    MemberEvent; every change is in the history. `code` is unique nationally.
    """

    # A merged branch's members belong to the branch that absorbed it.
    FOLLOWS_UNIT_ON_MERGE = True

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFER_PENDING = "transfer_pending", _("Transfer pending")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        LEFT = "left", _("Left")
        DECEASED = "deceased", _("Deceased")

    class MemberType(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary member")
        HONORARY = "honorary", _("Honorary member")

    class Household(models.TextChoices):
        NONE = "", _("Not poor")
        POOR = "poor", _("Poor household")
        NEAR_POOR = "near_poor", _("Near-poor household")

    class Education(models.TextChoices):
        NONE = "", _("Not recorded")
        PRIMARY = "primary", _("Primary school")
        LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
        UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")

    class Qualification(models.TextChoices):
        NONE = "", _("None")
        VOCATIONAL = "vocational", _("Vocational")
        COLLEGE = "college", _("College")
        UNIVERSITY = "university", _("University")
        POSTGRADUATE = "postgraduate", _("Postgraduate")

    class PoliticalTheory(models.TextChoices):
        NONE = "", _("None")
        ELEMENTARY = "elementary", _("Elementary")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class VNeID(models.IntegerChoices):
        NONE = 0, _("Not activated")
        LEVEL_1 = 1, _("Level 1")
        LEVEL_2 = 2, _("Level 2")

    # Indexes are declared in Meta, each for a query that needs it: every index costs every
    # write (an import writes 260,000 rows), and Django's implicit ones on PostgreSQL come in
    # pairs (a `_like` copy for text columns), which no query here uses.
    code = models.CharField(_("member code"), max_length=16, editable=False)
    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    name_sort = models.CharField(max_length=400, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("sex"), max_length=1, choices=Gender.choices, default=Gender.FEMALE)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, blank=True
    )
    religion = models.CharField(_("religion"), max_length=20, choices=RELIGION_CHOICES, blank=True)
    cccd = models.CharField(_("citizen ID (CCCD)"), max_length=12, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    address_area = models.ForeignKey(
        AdministrativeArea,
        verbose_name=_("commune of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hamlet = models.CharField(_("hamlet / residential group"), max_length=120, blank=True)
    home_town = models.CharField(_("home town"), max_length=200, blank=True)
    education = models.CharField(
        _("general education"), max_length=20, choices=Education.choices, blank=True
    )
    qualification = models.CharField(
        _("professional qualification"), max_length=20, choices=Qualification.choices, blank=True
    )
    political_theory = models.CharField(
        _("political theory"), max_length=20, choices=PoliticalTheory.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    party_member = models.BooleanField(_("Party member"), default=False)
    member_type = models.CharField(
        _("member type"), max_length=10, choices=MemberType.choices, default=MemberType.ORDINARY
    )
    is_core = models.BooleanField(_("core member"), default=False)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    household = models.CharField(
        _("household situation"), max_length=10, choices=Household.choices, blank=True
    )
    has_phone = models.BooleanField(_("has a phone"), default=False)
    has_smartphone = models.BooleanField(_("has a smartphone"), default=False)
    has_internet = models.BooleanField(_("has internet access"), default=False)
    uses_zalo = models.BooleanField(_("uses Zalo"), default=False)
    uses_facebook = models.BooleanField(_("uses Facebook"), default=False)
    uses_tiktok = models.BooleanField(_("uses TikTok"), default=False)
    vneid_level = models.PositiveSmallIntegerField(
        _("VNeID account"), choices=VNeID.choices, default=0
    )
    has_bank_account = models.BooleanField(_("has a bank account"), default=False)
    pays_cashless = models.BooleanField(_("pays without cash"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_folded", "name_sort", "unit_path", "updated_at"],
        # A version is found by the member's id (and date); nobody looks one up by its
        # number, phone or unit, so the history table keeps no index on them.
        no_db_index=["code", "cccd", "phone", "unit", "address_area"],
    )
    objects = MemberQuerySet.as_manager()

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="members_code_unique"),
            # A CCCD prefix typed in the search box is read as a range (selectors.search_q),
            # which this index serves in any collation.
            models.UniqueConstraint(fields=["cccd"], name="members_cccd_unique"),
        ]
        indexes = [
            # Scoped reads (a path prefix), with the status most of them filter on. It also
            # serves the path alone: the base class's path index is left out.
            models.Index(
                fields=["unit_path", "status"],
                name="members_path_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # Lists in Vietnamese order walk this index and stop at the page's end; with the
            # path and the folded name in it (PostgreSQL) a search reads no table rows.
            models.Index(
                fields=["name_sort", "id"],
                include=["unit_path", "name_folded"],
                name="members_name_walk_idx",
            ),
            # Possible duplicates: the same folded name and date of birth.
            models.Index(fields=["name_folded", "date_of_birth"], name="members_same_person_idx"),
            models.Index(fields=["phone"], name="members_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.full_name, self.name_folded, self.name_sort = person_name_fields(self.full_name)
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class MemberEvent(models.Model):
    """One step of a member's path: admitted, transferred, left, died, reinstated."""

    class Kind(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        TRANSFERRED = "transferred", _("Transferred")
        TRANSFER_REQUESTED = "transfer_requested", _("Transfer to another province requested")
        TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
        TRANSFER_REFUSED = "transfer_refused", _("Transfer refused")
        LEFT = "left", _("Left the Union")
        DIED = "died", _("Died")
        REINSTATED = "reinstated", _("Reinstated")
        MERGED = "merged", _("Duplicate records merged")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    from_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_kind_display()} {self.on}"


class TransferRequest(UnitOwnedModel):
    """A transfer to a unit of another province: the sending unit (`unit`) issues it, the
    receiving unit (`to_unit`) accepts or refuses it; both keep the trace."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving unit")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfer_requests")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="members_transfer_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_unit}"


class Consent(models.Model):
    """A member's consent (or its withdrawal) for one purpose of processing her data."""

    class Purpose(models.TextChoices):
        MEMBERSHIP = "membership", _("Keeping the membership record")
        SENSITIVE = "sensitive", _("Recording ethnicity and religion")
        CONTACT = "contact", _("Being contacted by phone and messages")
        PUBLICATION = "publication", _("Publishing her name in results and news")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("given"), default=True)
    on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["purpose", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_purpose_display()}: {self.given}"


class ImportBatch(UnitOwnedModel):
    """One upload of a member list, from the column mapping to the written rows.

    `unit` is the default branch or group chosen on the upload form (rows may name other
    branches and groups of the same commune). The uploaded file is kept in `stored_name` for
    the dry run, the import and the error report. `outcome` holds the counts and the rows
    with problems (at most MAX_LISTED of them) of the last dry run or import.
    """

    MAX_LISTED = 1000

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to confirm")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, not imported yet")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported into the registry")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All or nothing: import only if every row is correct")
        VALID_ONLY = "valid", _("Only the correct rows; the others go to the error report")

    file_name = models.CharField(_("file"), max_length=200)
    stored_name = models.CharField(max_length=255)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=list)  # one field name (or "") per file column
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.MAPPING
    )
    mode = models.CharField(_("mode"), max_length=5, choices=Mode.choices, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_error = models.PositiveIntegerField(_("with problems"), default=0)
    outcome = models.JSONField(default=dict, blank=True)
    progress = models.ForeignKey(
        "core.TaskProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="members_import_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class ImportedMember(models.Model):
    """A member an import batch wrote: created (undone by marking her left) or updated."""

    # (batch, member) is unique: that index serves the batch's rows, no second one.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created = models.BooleanField(default=True)
    row_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("imported member")
        verbose_name_plural = _("imported members")
        constraints = [
            models.UniqueConstraint(fields=["batch", "member"], name="members_imported_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.member_id}"


class ImportMapping(models.Model):
    """The unit's last confirmed column mapping (folded header → field), proposed next time."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self) -> str:
        return str(self.unit_id)


class MemberTally(models.Model):
    """The summary table: how many current members a unit's whole subtree has, per key
    (hoiso.members.tally defines the keys: "total", "edu:primary", "born:1980", …).

    Kept for the units whose subtree is large (central, provincial, commune and affiliated
    unions), current as of today, by the member services as they write; rebuilt from the
    records and compared with them by `manage.py members_tally`. National and provincial
    dashboards read it instead of counting hundreds of thousands of rows.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("member count")
        verbose_name_plural = _("member counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "key"], name="members_tally_unit_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.key}={self.count}"


class MemberNameWord(models.Model):
    """A word of members' names, folded ("nguyen", "thi", "lan"): the vocabulary that a
    misspelt search word is corrected against (hoiso.members.names).

    The services that write names add their words (names.remember_words); a recount
    (`manage.py members_name_words`) removes those no name bears any more. `members` is how
    many names had the word when last counted (a new word starts at 1): of two spellings
    equally close to a misspelling, the commoner is the likelier."""

    word = models.CharField(max_length=120, unique=True)
    members = models.IntegerField(default=1)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")

    def __str__(self) -> str:
        return self.word
