"""Forms of the entry contests' pages. They read what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.contests.forms import DateTimeInput
from hoiso.core.forms import StyledForm


class CallForm(StyledForm):
    title = forms.CharField(label=_("Title of the contest"), max_length=200)
    rules = forms.CharField(
        label=_("Rules"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    deadline = forms.DateTimeField(label=_("Deadline for entries"), widget=DateTimeInput(),
                                   input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])  # fmt: skip
    categories = forms.CharField(
        label=_("Categories (one per line)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    judges_per_entry = forms.IntegerField(
        label=_("Judges per entry"), min_value=1, max_value=9, initial=2
    )
    disagreement = forms.IntegerField(
        label=_("Flag a disagreement above (points of 100)"), min_value=0, max_value=100, initial=20,
        help_text=_("An entry is flagged when its judges' totals differ by more than this."))  # fmt: skip
    forward_count = forms.IntegerField(label=_("Entries forwarded to the level above"), min_value=1,
                                       max_value=50, initial=3)  # fmt: skip
    prize_first = forms.IntegerField(label=_("First prizes"), min_value=0, max_value=100, initial=1)
    prize_second = forms.IntegerField(
        label=_("Second prizes"), min_value=0, max_value=100, initial=2
    )
    prize_third = forms.IntegerField(label=_("Third prizes"), min_value=0, max_value=100, initial=3)
    prize_consolation = forms.IntegerField(
        label=_("Consolation prizes"), min_value=0, max_value=100, initial=4
    )

    def clean_categories(self):
        return [
            line.strip() for line in self.cleaned_data["categories"].splitlines() if line.strip()
        ]


class CriterionForm(StyledForm):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100, initial=10)


class JudgeForm(StyledForm):
    user = forms.ModelChoiceField(label=_("Judge"), queryset=None, empty_label=_("— choose —"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".docx,.pdf,.jpg,.jpeg,.png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EntryForm(StyledForm):
    unit = forms.ModelChoiceField(
        label=_("Submitted for the unit"), queryset=None, empty_label=None
    )
    entrant = forms.CharField(label=_("Entrant (author or authors)"), max_length=200)
    title = forms.CharField(label=_("Title of the entry"), max_length=300)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, empty_label=_("— choose —")
    )
    text = forms.CharField(label=_("Text of the entry"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Do not write the entrant's or the unit's name in the title, the text or the files: "
                                       "the jury judges blind."))  # fmt: skip
    video_url = forms.CharField(label=_("Video link"), required=False, max_length=500,
                                widget=forms.URLInput(attrs={"placeholder": "https://"}))  # fmt: skip
    files = MultipleFileField(
        label=_("Files (Word .docx, PDF, JPEG or PNG pictures; at most 5)"), required=False
    )

    def __init__(self, *args, units, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["category"].queryset = contest.categories.all()
