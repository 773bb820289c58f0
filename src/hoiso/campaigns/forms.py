"""Forms of the campaigns pages. Checks that need the database live in the services; the
forms only read what was typed (numbers stay text here: reporting.values reads them the
Vietnamese or English way and names what is wrong)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm
from hoiso.org.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    target_kind = forms.ChoiceField(label=_("Units with targets"))
    indicators = forms.ModelMultipleChoiceField(label=_("Indicators"), queryset=None,
                                                widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, kinds: list[str], indicators, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Unit.Kind.choices)
        self.fields["target_kind"].choices = [(k, labels[k]) for k in kinds]
        self.fields["indicators"].queryset = indicators
        if locked:  # a running campaign keeps its level and indicators
            for name in ("target_kind", "indicators"):
                self.fields[name].disabled = True
                self.fields[name].required = False


class SpreadForm(StyledForm):
    RULES = [("members", _("In proportion to current members")), ("equal", _("Equally"))]

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    total = forms.CharField(label=_("Total target"), max_length=40)
    rule = forms.ChoiceField(label=_("Spread"), choices=RULES)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class TargetForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Target"), max_length=40)


class EntryForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    value = forms.CharField(label=_("Figure of the day"), max_length=40)

    def __init__(self, *args, units, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["indicator"].queryset = indicators
