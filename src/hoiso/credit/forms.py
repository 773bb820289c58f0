"""Forms of the credit pages (groups, savings, loans). They read what was typed; every rule that
needs the database (scope, balances, maker–checker, closed periods) is the services'.

Amounts are typed the way officials write them — "1.250.000", "1250000", "1 250 000 đ" — and
read as whole đồng; a fraction or a minus sign is refused here with the ledger's own words."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm
from hoiso.credit.ledger import CreditError, whole_vnd
from hoiso.credit.models import Programme

_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")
_FRACTION = re.compile(r"^\d+([.,]\d+)+$")


def parse_vnd(text: str) -> int:
    """ "1.250.000" / "1250000" / "1,250,000" / "1 250 000 đ" → 1250000; CreditError for a
    fraction, a negative or anything that is not an amount."""
    raw = re.sub(r"\s+|đ$|VND$|vnđ$", "", str(text).strip(), flags=re.IGNORECASE)
    raw = raw.replace("\u00a0", "")
    if raw.startswith("-"):
        raise CreditError(_("The amount cannot be negative."))
    if raw.isdigit():
        return int(raw)
    if _GROUPED_DOTS.match(raw) or _GROUPED_COMMAS.match(raw):
        return int(re.sub(r"[.,]", "", raw))
    if _FRACTION.match(raw):
        raise CreditError(_("The amount must be a whole number of đồng, without fractions."))
    raise CreditError(_("Enter an amount in đồng, for example 1.250.000."))


class MoneyField(forms.CharField):
    """A whole, positive number of đồng."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off",
                                  "placeholder": "1.250.000"})  # fmt: skip

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return whole_vnd(parse_vnd(text))
        except CreditError as exc:
            raise forms.ValidationError(exc.messages) from exc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate, **kwargs)


class ProgrammeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        if obj.product == Programme.Product.SAVINGS:
            return obj.name
        from hoiso.credit.templatetags.credit_pages import rate

        return f"{obj.name} ({rate(obj.monthly_rate)}%/{_('month')})"


class GroupForm(StyledForm):
    name = forms.CharField(label=_("Name of the group"), max_length=200)
    meeting_day = forms.IntegerField(label=_("Meeting day of the month"), min_value=1,
                                     max_value=28, initial=10,
                                     help_text=_("From 1 to 28: the day the group meets each month."))  # fmt: skip
    formed_on = _date_field(_("Formed on"))
    programmes = ProgrammeChoiceField(label=_("Programmes"), queryset=Programme.objects.none(),
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, programmes=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = programmes
        if editing:
            del self.fields["formed_on"]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.code})" if getattr(obj, "code", "") else obj.full_name


class MembershipActionForm(forms.Form):
    """Remove a member or make her the leader (the buttons of the members page)."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove"), ("leader", "leader")])


class JoinForm(StyledForm):
    joined_on = _date_field(_("Joined on"))


class SavingsOpenForm(StyledForm):
    member = MemberChoiceField(label=_("Member"), queryset=None)
    product = forms.ModelChoiceField(label=_("Kind of savings"), queryset=None,
                                     empty_label=None)  # fmt: skip
    opened_on = _date_field(_("Opened on"))

    def __init__(self, *args, members=None, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["product"].queryset = products


class AmountForm(StyledForm):
    """A deposit, a withdrawal or a repayment: amount, day, memo."""

    amount = MoneyField(label=_("Amount (đồng)"))
    on = _date_field(_("Date"))
    memo = forms.CharField(label=_("Note"), max_length=200, required=False)


class LoanApplyForm(StyledForm):
    member = MemberChoiceField(label=_("Borrower"), queryset=None)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    amount = MoneyField(label=_("Amount (đồng)"))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=240)
    applied_on = _date_field(_("Applied on"))
    purpose = forms.CharField(label=_("Use of the loan"), max_length=200, required=False)

    def __init__(self, *args, members=None, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["programme"].queryset = programmes


class DayForm(StyledForm):
    on = _date_field(_("Date"))


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class DatedReasonForm(StyledForm):
    on = _date_field(_("Date"))
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class RescheduleForm(StyledForm):
    on = _date_field(_("New schedule from"))
    term_months = forms.IntegerField(label=_("New term (months)"), min_value=1, max_value=240)
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class EarlyRepaymentForm(StyledForm):
    on = _date_field(_("Repaid on"))
    amount = MoneyField(label=_("Amount paid (đồng)"))


def today() -> datetime.date:
    return timezone.localdate()
