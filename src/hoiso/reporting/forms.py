"""Forms of the reporting pages. Model validation (the registry, the measure's rules) runs on
the form, and the services check everything again before writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core import indicators as registry
from hoiso.core.forms import StyledForm, StyledFormMixin
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
