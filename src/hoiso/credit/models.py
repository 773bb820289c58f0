"""Savings and credit (tín dụng – tiết kiệm): programmes, savings groups and their members,
savings accounts, loans with their schedules, and the double-entry ledger they post to.

Money is whole VND in integer columns. The ledger is the truth: a savings balance or a loan's
outstanding principal is the sum of the postings to its account; the `balance` and
`principal_outstanding` kept on the records are caches that `manage.py
credit_check_balances` recomputes and compares. Journal entries and postings are
append-only (refused here on save/update/delete, and by a PostgreSQL trigger, migration
0002): a correction is a reversal linked to the original plus a new entry.

Every record that belongs to a unit stores its path (`UnitOwnedModel`), so scoped reads need
no join; a savings group belongs to a commune or branch union and everything under it
(memberships, accounts, loans, ledger accounts, entries) to the same unit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.core.permissions import Action
from hoiso.core.scoping import ScopedQuerySet, path_q, scope_paths
from hoiso.credit import schedules
from hoiso.members.models import Member
from hoiso.org.models import UnitOwnedModel


def _path_index(name: str) -> models.Index:
    return models.Index(fields=["unit_path"], name=name, opclasses=["varchar_pattern_ops"])


def _user_fk(**extra) -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", **extra)  # fmt: skip


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = Action.VIEW) -> ProgrammeQuerySet:
        """Programmes are national: anyone who sees some unit sees them all."""
        paths = scope_paths(user, action)
        return self if paths is None or paths else self.none()


class Programme(models.Model):
    """A credit or savings product: the Union's own fund, or a programme entrusted by the Bank
    for Social Policies (NHCSXH), with its terms. A loan copies the terms it was granted on,
    so changing a programme never changes existing loans."""

    class Kind(models.TextChoices):
        OWN_FUND = "own_fund", _("Union's own fund")
        POOR = "vbsp_poor", _("Entrusted: poor households")
        NEAR_POOR = "vbsp_near_poor", _("Entrusted: near-poor households")
        ESCAPED = "vbsp_escaped", _("Entrusted: households just out of poverty")
        STUDENT = "vbsp_student", _("Entrusted: students")
        WATER = "vbsp_water", _("Entrusted: clean water and sanitation")
        JOBS = "vbsp_jobs", _("Entrusted: job creation")
        SAVINGS = "savings", _("Savings")

    class Product(models.TextChoices):
        LOAN = "loan", _("Loan")
        SAVINGS = "savings", _("Savings")

    class Method(models.TextChoices):
        DECLINING = schedules.DECLINING, _("Declining balance, equal principal")
        ANNUITY = schedules.ANNUITY, _("Annuity (equal instalments)")
        FLAT = schedules.FLAT, _("Flat interest")

    class DayCount(models.TextChoices):
        DAYS_30 = schedules.DAYS_30, _("30-day months")
        ACTUAL = schedules.DAYS_ACTUAL, _("Actual days")

    class Overpayment(models.TextChoices):
        HOLD = "hold", _("Hold as a credit")
        REFUSE = "refuse", _("Refuse")

    class SavingsKind(models.TextChoices):
        COMPULSORY = "compulsory", _("Compulsory savings")
        VOLUNTARY = "voluntary", _("Voluntary savings")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    product = models.CharField(_("product"), max_length=8, choices=Product.choices)
    # Percent per month, stored exactly: 0.5500 is 0.55%/month.
    monthly_rate = models.DecimalField(_("interest rate (%/month)"), max_digits=7,
                                       decimal_places=4, default=0)  # fmt: skip
    min_term_months = models.PositiveSmallIntegerField(_("shortest term (months)"), default=1)
    max_term_months = models.PositiveSmallIntegerField(_("longest term (months)"), default=60)
    max_amount = models.PositiveBigIntegerField(_("largest loan (VND)"), default=0)
    method = models.CharField(_("schedule"), max_length=10, choices=Method.choices,
                              default=Method.DECLINING)  # fmt: skip
    grace_months = models.PositiveSmallIntegerField(_("grace months on principal"), default=0)
    day_count = models.CharField(_("day count"), max_length=6, choices=DayCount.choices,
                                 default=DayCount.DAYS_30)  # fmt: skip
    allocation_order = models.CharField(_("payment allocation order"), max_length=40,
                                        default="penalty,interest,principal")  # fmt: skip
    overpayment = models.CharField(_("overpayment"), max_length=6, choices=Overpayment.choices,
                                   default=Overpayment.HOLD)  # fmt: skip
    # Percent per month on overdue principal (0: no penalty).
    penalty_rate = models.DecimalField(_("penalty rate on overdue principal (%/month)"),
                                       max_digits=7, decimal_places=4, default=0)  # fmt: skip
    # Percent of the interest collected that the Bank pays the Union (entrusted programmes).
    commission_rate = models.DecimalField(_("commission on collected interest (%)"),
                                          max_digits=7, decimal_places=4, default=0)  # fmt: skip
    savings_kind = models.CharField(_("savings kind"), max_length=10,
                                    choices=SavingsKind.choices, blank=True)  # fmt: skip
    min_deposit = models.PositiveBigIntegerField(_("smallest deposit (VND)"), default=5000)
    active = models.BooleanField(pgettext_lazy("programme", "active"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["product", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def entrusted(self) -> bool:
        return self.kind.startswith("vbsp_")


class SavingsGroup(UnitOwnedModel):
    """A savings-and-loan group (tổ tiết kiệm và vay vốn) of 5–60 women under a commune or
    branch union; it meets monthly on `meeting_day` to collect interest, repayments and
    savings."""

    MIN_MEMBERS, MAX_MEMBERS = 5, 60

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    leader = models.ForeignKey(Member, verbose_name=_("group leader"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    meeting_day = models.PositiveSmallIntegerField(_("meeting day of the month"), default=10)
    programmes = models.ManyToManyField(Programme, verbose_name=_("programmes"), related_name="+")
    formed_on = models.DateField(_("formed on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("savings group")
        verbose_name_plural = _("savings groups")
        ordering = ["name", "pk"]
        indexes = [_path_index("credit_group_path_idx")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(UnitOwnedModel):
    """A member's place in a savings group, from `joined_on` until `left_on`."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(pgettext_lazy("savings group", "joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=Q(left_on__isnull=True),
                name="credit_membership_one_open",
            ),  # fmt: skip
        ]
        indexes = [_path_index("credit_membership_path_idx")]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.member_id}"


class SavingsAccount(UnitOwnedModel):
    """A member's compulsory or voluntary savings in her group. `balance` caches the sum of
    the postings to its ledger account."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("savings account", "Open")
        CLOSED = "closed", pgettext_lazy("savings account", "Closed")

    number = models.CharField(_("account number"), max_length=30, unique=True)
    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="savings")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Programme.SavingsKind.choices)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    balance = models.BigIntegerField(_("balance"), default=0)
    opened_by = _user_fk()

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("savings account")
        verbose_name_plural = _("savings accounts")
        ordering = ["group", "pk"]
        indexes = [_path_index("credit_savings_path_idx")]

    def __str__(self) -> str:
        return self.number


class Loan(UnitOwnedModel):
    """A loan to a member of a savings group, from application to closure. The terms are
    copied from the programme when applied for. `principal_outstanding` caches the balance of
    its principal account in the ledger."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied for")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Disbursed")
        CLOSED = "closed", _("Repaid and closed")
        WRITTEN_OFF = "written_off", _("Written off")

    number = models.CharField(_("loan number"), max_length=30, unique=True)
    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    monthly_rate = models.DecimalField(_("interest rate (%/month)"), max_digits=7,
                                       decimal_places=4)  # fmt: skip
    method = models.CharField(_("schedule"), max_length=10, choices=Programme.Method.choices)
    grace_months = models.PositiveSmallIntegerField(_("grace months on principal"), default=0)
    day_count = models.CharField(_("day count"), max_length=6,
                                 choices=Programme.DayCount.choices)  # fmt: skip
    purpose = models.CharField(_("use of the loan"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.APPLIED)  # fmt: skip
    applied_on = models.DateField(_("applied on"))
    entered_by = _user_fk(verbose_name=_("entered by"))
    approved_by = _user_fk(verbose_name=_("approved by"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=255, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    principal_outstanding = models.BigIntegerField(_("principal outstanding"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-applied_on", "-pk"]
        indexes = [
            models.Index(
                fields=["unit_path", "status"],
                name="credit_loan_path_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),  # fmt: skip
            models.Index(fields=["status"], name="credit_loan_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """One version of a loan's schedule. Version 1 is made at disbursement; a rescheduling
    adds the next version for the principal then outstanding, effective from its date, and
    keeps the earlier ones. `principal_before` / `interest_before` are what had been repaid
    (and, for interest, accrued) when it took effect, so that payments count against the
    version in force."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="schedules")
    version = models.PositiveSmallIntegerField()
    effective_on = models.DateField()
    principal = models.PositiveBigIntegerField()
    principal_before = models.BigIntegerField(default=0)
    interest_before = models.BigIntegerField(default=0)
    reason = models.CharField(max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "version"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version"], name="credit_schedule_version")
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} v{self.version}"


class Instalment(models.Model):
    """One row of a schedule: principal and interest falling due on `due_date`. What has been
    paid of it is not stored: payments go oldest first, so it follows from the ledger
    (allocation.outstanding)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="instalments")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    principal = models.PositiveBigIntegerField()
    interest = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="credit_instalment_number")
        ]
        indexes = [models.Index(fields=["loan", "due_date"], name="credit_instalment_due_idx")]

    def __str__(self) -> str:
        return f"{self.schedule_id}#{self.number}"


# --- the ledger ------------------------------------------------------------------------------


class AppendOnlyError(Exception):
    """A journal entry or posting was about to be changed or deleted."""


class AppendOnlyQuerySet(ScopedQuerySet):
    """Entries and postings are never changed or deleted. The one update allowed rewrites the
    stored unit path when a subtree moves (org.services.paths)."""

    UPDATABLE: frozenset[str] = frozenset({"unit_path"})

    def update(self, **kwargs):
        if not set(kwargs) <= self.UPDATABLE:
            raise AppendOnlyError(f"{self.model.__name__} is append-only")
        return super().update(**kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only")


class LedgerAccount(UnitOwnedModel):
    """An account of a unit's chart. Unit-wide accounts (cash, income, expense, a programme's
    capital) exist once per unit (and programme); the sub-ledger accounts (a loan's
    principal, interest and penalty receivable and overpayment; a savings account's
    liability) once per loan or savings account. Debits are positive, credits negative."""

    class Purpose(models.TextChoices):
        CASH = "cash", _("Cash")
        CAPITAL = "capital", _("Programme capital")
        PRINCIPAL = "principal", _("Loans receivable (principal)")
        INTEREST_RECEIVABLE = "interest_recv", _("Interest receivable")
        PENALTY_RECEIVABLE = "penalty_recv", _("Penalty receivable")
        OVERPAYMENT = "overpayment", _("Overpayments held")
        SAVINGS = "savings", _("Savings deposits")
        INTEREST_INCOME = "interest_income", _("Interest income")
        PENALTY_INCOME = "penalty_income", _("Penalty income")
        WRITE_OFF = "write_off", _("Loans written off")
        COMMISSION_RECEIVABLE = "commission_recv", _("Commission receivable")
        COMMISSION_INCOME = "commission_income", _("Commission income")

    # Chart codes, for the trial balance (Vietnamese microfinance style numbering).
    CODES = {
        Purpose.CASH: "1011", Purpose.PRINCIPAL: "1211", Purpose.INTEREST_RECEIVABLE: "1311",
        Purpose.PENALTY_RECEIVABLE: "1312", Purpose.COMMISSION_RECEIVABLE: "1381",
        Purpose.SAVINGS: "4211", Purpose.OVERPAYMENT: "4281", Purpose.CAPITAL: "4511",
        Purpose.INTEREST_INCOME: "7011", Purpose.PENALTY_INCOME: "7012",
        Purpose.COMMISSION_INCOME: "7021", Purpose.WRITE_OFF: "8211",
    }  # fmt: skip
    LOAN_PURPOSES = (Purpose.PRINCIPAL, Purpose.INTEREST_RECEIVABLE, Purpose.PENALTY_RECEIVABLE,
                     Purpose.OVERPAYMENT)  # fmt: skip

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip
    loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="accounts")  # fmt: skip
    savings_account = models.ForeignKey(SavingsAccount, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="accounts")  # fmt: skip

    class Meta(UnitOwnedModel.Meta):
        ordering = ["unit", "purpose", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "purpose"], name="credit_account_unitwide",
                condition=Q(programme__isnull=True, loan__isnull=True,
                            savings_account__isnull=True)),
            models.UniqueConstraint(
                fields=["unit", "purpose", "programme"], name="credit_account_programme",
                condition=Q(programme__isnull=False, loan__isnull=True,
                            savings_account__isnull=True)),
            models.UniqueConstraint(fields=["loan", "purpose"], name="credit_account_loan",
                                    condition=Q(loan__isnull=False)),
            models.UniqueConstraint(fields=["savings_account", "purpose"],
                                    name="credit_account_savings",
                                    condition=Q(savings_account__isnull=False)),
        ]  # fmt: skip
        indexes = [_path_index("credit_account_path_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.get_purpose_display()}"

    @property
    def code(self) -> str:
        return self.CODES[self.purpose]


class JournalEntry(UnitOwnedModel, AppendOnlyModel):
    """One balanced transaction of a unit's books: its postings sum to zero. Never changed:
    a reversal is a new entry with `reverses` set, of the same kind and with every posting
    negated, so period sums by kind (disbursed, collected) net the mistake out."""

    class Kind(models.TextChoices):
        DISBURSEMENT = "disbursement", _("Disbursement")
        REPAYMENT = "repayment", _("Repayment")
        ACCRUAL = "accrual", _("Interest accrual")
        PENALTY = "penalty", _("Penalty")
        DEPOSIT = "deposit", _("Savings deposit")
        WITHDRAWAL = "withdrawal", _("Savings withdrawal")
        WRITE_OFF = "write_off", _("Write-off")
        COMMISSION = "commission", _("Commission")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")  # fmt: skip
    loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="entries")  # fmt: skip
    savings_account = models.ForeignKey(SavingsAccount, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="entries")  # fmt: skip
    submission = models.ForeignKey("CollectionSubmission", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="entries")  # fmt: skip

    objects = AppendOnlyQuerySet.as_manager()

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["date", "pk"]
        indexes = [
            _path_index("credit_entry_path_idx"),
            models.Index(fields=["unit", "date"], name="credit_entry_unit_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} #{self.pk}"


class PostingQuerySet(AppendOnlyQuerySet):
    UPDATABLE = frozenset()

    def visible_to(self, user, action: str = Action.VIEW) -> PostingQuerySet:
        return self.filter(path_q("account__unit_path", scope_paths(user, action)))


class Posting(AppendOnlyModel):
    """One line of an entry: a signed amount (debit > 0, credit < 0) on one account. The
    entry's date and kind are copied here (postings never change), so balances as of a date
    and flows of a kind read one table."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.BigIntegerField()
    date = models.DateField()
    kind = models.CharField(max_length=14, choices=JournalEntry.Kind.choices)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credit_posting_nonzero")
        ]
        indexes = [
            models.Index(fields=["account", "date"], name="credit_posting_account_idx"),
            models.Index(fields=["kind", "date"], name="credit_posting_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.account_id} {self.amount:+d}"

    def clean(self) -> None:
        if self.amount == 0:
            raise ValidationError(_("A posting cannot be zero."))


class PeriodClose(UnitOwnedModel):
    """The books of `unit` and of every unit under it are closed up to and including
    `closed_to`: nothing may be posted on or before that date there."""

    closed_to = models.DateField(_("closed up to"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    closed_by = _user_fk()
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("period closing")
        verbose_name_plural = _("period closings")
        ordering = ["-closed_to", "-pk"]
        indexes = [_path_index("credit_close_path_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} ≤ {self.closed_to}"


class CollectionSubmission(UnitOwnedModel):
    """What a group's meeting collected, posted once: its idempotency key is unique and so is
    the (group, day) pair. `result` keeps the totals returned to the submitter, so a second
    submission with the same key returns the first one's answer."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="submissions")
    on = models.DateField(_("meeting day"))
    idempotency_key = models.CharField(max_length=120, unique=True)
    submitted_by = _user_fk()
    submitted_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict)

    class Meta(UnitOwnedModel.Meta):
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "on"], name="credit_submission_once")
        ]
        indexes = [_path_index("credit_submission_path_idx")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.on}"


class PortfolioSnapshot(UnitOwnedModel):
    """A group's portfolio at a month-end (written by month_end; taken again, replaced):
    loans and principal outstanding, overdue, and outstanding principal by ageing bucket of
    days overdue (1–30, 31–60, 61–90, 91–180, over 180)."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    loans = models.PositiveIntegerField(default=0)
    outstanding = models.BigIntegerField(default=0)
    overdue_principal = models.BigIntegerField(default=0)
    bucket_1_30 = models.BigIntegerField(default=0)
    bucket_31_60 = models.BigIntegerField(default=0)
    bucket_61_90 = models.BigIntegerField(default=0)
    bucket_91_180 = models.BigIntegerField(default=0)
    bucket_over_180 = models.BigIntegerField(default=0)
    savings = models.BigIntegerField(default=0)

    class Meta(UnitOwnedModel.Meta):
        ordering = ["-on", "group"]
        constraints = [models.UniqueConstraint(fields=["group", "on"], name="credit_snapshot_once")]
        indexes = [_path_index("credit_snapshot_path_idx")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.on}"

    @property
    def par30(self) -> int:
        return self.bucket_31_60 + self.bucket_61_90 + self.bucket_91_180 + self.bucket_over_180
