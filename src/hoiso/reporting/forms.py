"""Forms of the reporting pages. Model validation (the registry, the measure's rules) runs on
the form, and the services check everything again before writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core import indicators as registry
from hoiso.core.forms import StyledForm, StyledFormMixin
from hoiso.org.forms import DateInput
from hoiso.org.models import Unit
from hoiso.reporting.models import Indicator, Period


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    computed_key = forms.ChoiceField(label=_("Computed by"), required=False, choices=())

    class Meta:
        model = Indicator
        fields = ["code", "name", "description", "group", "order", "measure", "rollup", "source",
                  "computed_key", "decimal_places", "active"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "code": _("e.g. HV_MOI. Capital letters without accents, digits and _."),
            "decimal_places": _("For rates: how many decimals are shown."),
            "computed_key": _("Only for computed indicators."),
        }

    def __init__(self, *args, owners=None, national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computed_key"].choices = [("", "—"), *registry.choices()]
        if owners is not None:
            self.fields["owner"] = OwnerField(
                label=_("Defined for"),
                queryset=owners,
                required=not national,
                empty_label=_("The national library (every unit)") if national else "—",
                help_text=_("The unit whose subtree reports it."),
            )
            self.fields["owner"].widget.attrs["class"] = "form-select"
            self.order_fields(["owner"])

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class CutOffForm(StyledForm):
    """One cut-off day per kind of period."""

    def __init__(self, *args, days: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Period.Kind:
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label, min_value=1, max_value=31, initial=days[kind.value],
                help_text=_("31: the last day of the month."),
            )  # fmt: skip
            self.fields[kind.value].widget.attrs["class"] = "form-control"


class RequestForm(StyledForm):
    """Issue a report request: who asks, which template, which period, to which level, by when."""

    unit = OwnerField(label=_("Issued by"), queryset=None)
    template = forms.ModelChoiceField(label=_("Report template"), queryset=None)
    kind = forms.ChoiceField(label=_("Period"), choices=Period.Kind.choices)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=12, initial=1)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    recipient_kind = forms.ChoiceField(label=_("Sent to"), choices=())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["template"].queryset = templates
        self.fields["recipient_kind"].choices = [
            (k, label) for k, label in Unit.Kind.choices if k != Unit.Kind.CENTRAL
        ]


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class IndicatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.name}"


class TemplateForm(StyledForm):
    """A unit's own report template: its indicators (in the library's order) and sections."""

    owner = OwnerField(label=_("Defined for"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    sections = forms.MultipleChoiceField(label=_("Narrative sections"), required=False,
                                         widget=forms.CheckboxSelectMultiple, choices=())  # fmt: skip
    indicators = IndicatorsField(label=_("Indicators"), queryset=None,
                                 widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, owners, indicators, national: bool = False, **kwargs):
        from hoiso.reporting.models import Section

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].required = not national
        self.fields["owner"].empty_label = (
            _("The national library (every unit)") if national else "—"
        )
        self.fields["sections"].choices = Section.choices
        self.fields["sections"].initial = list(Section.values)
        self.fields["indicators"].queryset = indicators


class TemplateEditForm(StyledForm):
    """Change a template: its name and whether it is in use; its indicators and sections too
    while no request has been issued with it (`locked` otherwise: shown, not editable)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    active = forms.BooleanField(label=_("In use"), required=False)
    sections = forms.MultipleChoiceField(label=_("Narrative sections"), required=False,
                                         widget=forms.CheckboxSelectMultiple, choices=())  # fmt: skip
    indicators = IndicatorsField(label=_("Indicators"), queryset=None,
                                 widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, template, indicators, locked: bool, **kwargs):
        from hoiso.reporting.models import Section

        initial = {"name": template.name, "active": template.active,
                   "sections": template.sections,
                   "indicators": [i.pk for i in template.ordered_indicators()]}  # fmt: skip
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["sections"].choices = Section.choices
        self.fields["indicators"].queryset = indicators
        self.locked = locked
        if locked:
            for name in ("sections", "indicators"):
                self.fields[name].disabled = True
                self.fields[name].required = False
