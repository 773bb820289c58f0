"""Forms of the member pages; unit choices are limited to the user's scope."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm, StyledFormMixin
from hoiso.members.models import Consent, Member
from hoiso.members.services import LEAVE_REASONS
from hoiso.org.forms import DateInput
from hoiso.org.models import Unit

RECORD_FIELDS = [
    "full_name", "date_of_birth", "gender", "cccd", "phone", "ethnicity", "religion",
    "address_area", "hamlet", "home_town", "education", "qualification", "political_theory",
    "occupation", "party_member", "member_type", "is_core", "household", "has_phone",
    "has_smartphone", "has_internet", "uses_zalo", "uses_facebook", "uses_tiktok",
    "vneid_level", "has_bank_account", "pays_cashless",
]  # fmt: skip


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


class MemberForm(StyledFormMixin, forms.ModelForm):
    """The record itself. Checks of CCCD, phone and age are the service's (one rule, one place)."""

    # People type "+84 912 345 678" or "092 190 001 234": room for the spaces; the service normalises.
    cccd = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))  # fmt: skip

    class Meta:
        model = Member
        fields = RECORD_FIELDS
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args, areas=None, sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].input_formats = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]

        if areas is not None:
            self.fields["address_area"].queryset = areas
        if not sensitive:
            del self.fields["ethnicity"], self.fields["religion"]

    def _post_clean(self):
        """The model's own validation (unique CCCD…) is left to the service, which explains it."""


class AdmitForm(MemberForm):
    unit = UnitField(label=_("Branch or group"), queryset=Unit.objects.none())
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput(), initial=timezone.localdate,
                                input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"])  # fmt: skip
    decision = forms.CharField(
        label=_("Decision number (honorary members)"), max_length=120, required=False
    )
    consents = forms.MultipleChoiceField(
        label=_("Consents given"), choices=Consent.Purpose.choices, required=False,
        widget=forms.CheckboxSelectMultiple, initial=[Consent.Purpose.MEMBERSHIP],
    )  # fmt: skip

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.order_fields(["unit", "joined_on", *RECORD_FIELDS, "decision", "consents"])


class TransferForm(StyledForm):
    to_unit = UnitField(label=_("To a branch or group in your scope"), queryset=Unit.objects.none(),
                        required=False)  # fmt: skip
    to_code = forms.CharField(
        label=_("…or the code of the receiving unit"), max_length=40, required=False,
        help_text=_("For a unit outside your scope, even in another province: ask it for its code."),
    )  # fmt: skip
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate,
                         input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"])  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units

    def clean(self):
        data = super().clean()
        unit, code = data.get("to_unit"), (data.get("to_code") or "").strip()
        if bool(unit) == bool(code):
            raise forms.ValidationError(
                _("Choose the receiving unit in the list, or enter its code.")
            )
        if code:
            found = Unit.objects.filter(code__iexact=code).first()
            if found is None:
                raise forms.ValidationError(_("No unit has the code %(code)s.") % {"code": code})
            data["to_unit"] = found
        return data


class LeaveForm(StyledForm):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate,
                         input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"])  # fmt: skip
    reason = forms.ChoiceField(label=_("Reason"), choices=list(LEAVE_REASONS.items()))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DeathForm(StyledForm):
    on = forms.DateField(label=_("Date of death"), widget=DateInput(),
                         input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"])  # fmt: skip


class ReinstateForm(StyledForm):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate,
                         input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"])  # fmt: skip
    unit = UnitField(label=_("Branch or group"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DecideForm(StyledForm):
    accept = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Accept")), ("0", _("Refuse"))])  # fmt: skip
    to_unit = UnitField(
        label=_("Into branch or group"), queryset=Unit.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class SearchForm(StyledForm):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *Member.Status.choices]
    )
    member_type = forms.ChoiceField(
        required=False, choices=[("", _("All types")), *Member.MemberType.choices]
    )
    is_core = forms.ChoiceField(
        required=False, choices=[("", _("Core or not")), ("1", _("Core members"))]
    )


class AnonymiseForm(StyledForm):
    request = forms.CharField(
        label=_("Her request (number, date)"), max_length=120,
        help_text=_("Her name, citizen ID, phone, address, ethnicity and religion are erased from the record and its history. Counts stay right."),
    )  # fmt: skip
