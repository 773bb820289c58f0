"""Forms of the study pages. The services check everything again before writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.roles import RoleKind
from hoiso.core.forms import StyledForm
from hoiso.org.forms import DateInput
from hoiso.studies.models import LatePolicy, MemberAudience, Question, Recipients

OPTION_ROWS = 6  # option lines on the question form (blank ones are dropped)


class UnitChoices(forms.ModelMultipleChoiceField):
    """Units below the issuer, indented by their level under it."""

    base_depth = 0

    def label_from_instance(self, obj) -> str:
        return f"{'— ' * max(obj.depth - self.base_depth, 0)}{obj.name}"


class MaterialForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    body = forms.CharField(label=_("Text of the material"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("The text, or attach the file below (or both)."))  # fmt: skip
    file = forms.FileField(label=_("File (PDF, Word .docx)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}))  # fmt: skip
    remove_file = forms.BooleanField(label=_("Remove the attached file"), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    recipients_mode = forms.ChoiceField(label=_("Assign to"), choices=Recipients.choices,
                                        widget=forms.RadioSelect)  # fmt: skip
    recipients_kind = forms.ChoiceField(label=_("Level"), required=False, choices=())
    recipient_units = UnitChoices(label=_("Assigned units"), required=False, queryset=None,
                                  widget=forms.CheckboxSelectMultiple)  # fmt: skip
    for_officials = forms.BooleanField(label=_("Officials of these units study it"),
                                       required=False)  # fmt: skip
    official_roles = forms.MultipleChoiceField(
        label=_("Only officials holding these roles (none ticked: every official)"),
        required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(v, label) for v, label in RoleKind.choices if v != RoleKind.JUDGE],
    )  # fmt: skip
    members = forms.ChoiceField(label=_("Members"), choices=MemberAudience.choices,
                                widget=forms.RadioSelect)  # fmt: skip
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100,
                                   initial=80)  # fmt: skip
    max_attempts = forms.IntegerField(label=_("Attempts allowed (0: no limit)"), min_value=0,
                                      max_value=20, initial=3)  # fmt: skip
    late_policy = forms.ChoiceField(label=_("After the deadline"), choices=LatePolicy.choices)

    def __init__(self, *args, levels, units, base_depth=0, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients_kind"].choices = [("", "—"), *levels]
        self.fields["recipient_units"].queryset = units
        self.fields["recipient_units"].base_depth = base_depth
        self.fields["recipients_mode"].widget.attrs["class"] = "form-check-input"
        self.fields["members"].widget.attrs["class"] = "form-check-input"
        if not editing:
            del self.fields["remove_file"]

    SECTIONS = (
        (_("The material"), ("title", "summary", "body", "file", "remove_file", "deadline")),
        (_("Who studies"), ("recipients_mode", "recipients_kind", "recipient_units",
                            "for_officials", "official_roles", "members")),
        (_("The check"), ("pass_mark", "max_attempts", "late_policy")),
    )  # fmt: skip

    def sections(self):
        """(heading, bound fields) in the order the form shows them."""
        return [(title, [self[name] for name in names if name in self.fields])
                for title, names in self.SECTIONS]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("recipients_mode") == Recipients.LEVEL and not data.get("recipients_kind"):
            self.add_error("recipients_kind", _("Choose the level of the assigned units."))
        if data.get("recipients_mode") == Recipients.UNITS and not data.get("recipient_units"):
            self.add_error("recipient_units", _("Choose at least one unit to assign it to."))
        return data


class QuestionForm(StyledForm):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Answers"), choices=Question.Kind.choices,
                             widget=forms.RadioSelect, initial=Question.Kind.SINGLE)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        for n in range(1, OPTION_ROWS + 1):
            self.fields[f"option_{n}"] = forms.CharField(
                label=_("Option %(n)d") % {"n": n}, max_length=500, required=False
            )
            self.fields[f"right_{n}"] = forms.BooleanField(label=_("Right"), required=False)
            self.fields[f"option_{n}"].widget.attrs.update(
                {"class": "form-control", "placeholder": self.fields[f"option_{n}"].label,
                 "aria-label": self.fields[f"option_{n}"].label})  # fmt: skip
            self.fields[f"right_{n}"].widget.attrs["class"] = "form-check-input"

    def option_rows(self):
        return [(self[f"option_{n}"], self[f"right_{n}"]) for n in range(1, OPTION_ROWS + 1)]

    def options(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [(data.get(f"option_{n}", ""), data.get(f"right_{n}", False))
                for n in range(1, OPTION_ROWS + 1)]  # fmt: skip
