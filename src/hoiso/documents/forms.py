"""Forms of the documents pages. The services check everything again before writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm
from hoiso.documents.models import DocumentType, Recipients
from hoiso.org.forms import DateInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (documents.files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class UnitChoices(forms.ModelMultipleChoiceField):
    """Units below the issuer, indented by their level under it."""

    base_depth = 0

    def label_from_instance(self, obj) -> str:
        return f"{'— ' * max(obj.depth - self.base_depth, 0)}{obj.name}"


class OutgoingForm(StyledForm):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    summary = forms.CharField(label=_("Summary"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    signer = forms.CharField(label=_("Signer"), max_length=150, required=False)
    issued_on = forms.DateField(label=_("Date"), required=False, widget=DateInput(),
                                help_text=_("Empty: the day it is issued."))  # fmt: skip
    recipients_mode = forms.ChoiceField(label=_("Send to"), choices=Recipients.choices,
                                        widget=forms.RadioSelect)  # fmt: skip
    recipients_kind = forms.ChoiceField(label=_("Level"), required=False, choices=())
    recipient_units = UnitChoices(label=_("Recipient units"), required=False, queryset=None,
                                  widget=forms.CheckboxSelectMultiple)  # fmt: skip
    response_required = forms.BooleanField(label=_("A response is required"), required=False)
    response_due = forms.DateField(label=_("Response deadline"), required=False,
                                   widget=DateInput())  # fmt: skip
    files = MultipleFileField(label=_("Attachments (PDF, Word .docx)"), required=False)

    def __init__(self, *args, levels, units, base_depth=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients_kind"].choices = [("", "—"), *levels]
        self.fields["recipient_units"].queryset = units
        self.fields["recipient_units"].base_depth = base_depth
        self.fields["recipients_mode"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("recipients_mode") == Recipients.LEVEL and not data.get("recipients_kind"):
            self.add_error("recipients_kind", _("Choose the level of the recipient units."))
        if data.get("recipients_mode") == Recipients.UNITS and not data.get("recipient_units"):
            self.add_error("recipient_units", _("Choose at least one recipient unit."))
        if data.get("response_required") and not data.get("response_due"):
            self.add_error("response_due", _("Give the deadline of the response."))
        return data


class ResponseForm(StyledForm):
    text = forms.CharField(label=_("Response"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    file = forms.FileField(label=_("File (PDF, Word .docx)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}))  # fmt: skip


class IncomingForm(StyledForm):
    sender = forms.CharField(label=_("Sender"), max_length=255,
                             help_text=_("e.g. Ban Thường vụ Tỉnh ủy, UBND tỉnh"))  # fmt: skip
    their_number = forms.CharField(label=_("Their number and symbol"), max_length=60)
    their_date = forms.DateField(label=_("Date of the document"), required=False,
                                 widget=DateInput())  # fmt: skip
    received_on = forms.DateField(label=_("Date received"), required=False, widget=DateInput())
    summary = forms.CharField(label=_("Summary"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    handler = UnitChoices(label=_("Handled by"), queryset=None, widget=forms.Select)
    file = forms.FileField(label=_("File (PDF, Word .docx)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}))  # fmt: skip

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"] = forms.ModelChoiceField(
            label=_("Handled by"), queryset=handlers,
            widget=forms.Select(attrs={"class": "form-select"}),
        )  # fmt: skip
