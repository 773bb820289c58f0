"""Forms of the import pages: the upload, the column mapping, the choice of mode."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm
from hoiso.members.forms import UnitField
from hoiso.members.importing.columns import field_choices
from hoiso.members.models import ImportBatch
from hoiso.org.models import Unit


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Excel or CSV file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}))  # fmt: skip
    unit = UnitField(
        label=_("Branch or group for rows that name none"), queryset=Unit.objects.none()
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MappingForm(StyledForm):
    """One select per column of the file."""

    def __init__(self, *args, headers: list[str], mapping: list[str],
                 samples: list[list[str]] = (), **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        for index, header in enumerate(headers):
            values = samples[index] if index < len(samples) else []
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(column %(n)d without header)") % {"n": index + 1},
                choices=field_choices(), required=False, widget=forms.Select(attrs={"class": "form-select"}),
                initial=mapping[index] if index < len(mapping) else "",
                help_text=_("e.g. %(values)s") % {"values": " · ".join(values)} if values else "",
            )  # fmt: skip
        self.count = len(headers)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or "" for i in range(self.count)]


class ModeForm(StyledForm):
    mode = forms.ChoiceField(label=_("How to import"), choices=ImportBatch.Mode.choices,
                             widget=forms.RadioSelect, initial=ImportBatch.Mode.ALL_OR_NOTHING)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
