"""Forms of the contests pages. They read what was typed; the rules (scope, overlaps, the
bank, time) are the services'."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.contests.models import Contest, Difficulty, Question, Round
from hoiso.contests.weekly import VN
from hoiso.core.forms import StyledForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ContestForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    rules = forms.CharField(
        label=_("Rules"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    audience = forms.ChoiceField(label=_("Who may take part"), choices=Contest.Audience.choices)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=180
    )
    questions_per_attempt = forms.IntegerField(
        label=_("Questions per attempt"), min_value=1, max_value=100
    )
    attempts_per_round = forms.IntegerField(
        label=_("Attempts per person per round"), min_value=1, max_value=20
    )
    prize_first = forms.IntegerField(label=_("First prizes per round"), min_value=0, max_value=1000)
    prize_second = forms.IntegerField(
        label=_("Second prizes per round"), min_value=0, max_value=1000
    )
    prize_third = forms.IntegerField(label=_("Third prizes per round"), min_value=0, max_value=1000)
    prize_consolation = forms.IntegerField(
        label=_("Consolation prizes per round"), min_value=0, max_value=1000
    )


class RoundForm(StyledForm):
    starts_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])  # fmt: skip
    ends_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput(),
                                  input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])  # fmt: skip
    selection = forms.ChoiceField(
        label=_("Questions"), choices=Round.Selection.choices, initial=Round.Selection.RANDOM
    )
    topic = forms.CharField(
        label=_("Draw from the topic (blank: any)"), max_length=100, required=False
    )
    difficulty = forms.TypedChoiceField(label=_("Draw at difficulty"), coerce=int, empty_value=None,
                                        required=False,
                                        choices=[("", _("Any"))] + list(Difficulty.choices))  # fmt: skip
    questions = forms.ModelMultipleChoiceField(label=_("The questions (for the same questions for everyone)"),
                                               queryset=Question.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = contest.questions.filter(is_active=True).order_by("pk")
        self.fields["questions"].label_from_instance = lambda q: q.text[:140]


class WeeklyRoundsForm(StyledForm):
    first_day = forms.DateField(label=_("First round opens on"), widget=DateInput())
    count = forms.IntegerField(
        label=_("Number of weekly rounds"), min_value=1, max_value=52, initial=4
    )
    opens = forms.TimeField(
        label=_("Opens at (hour)"), widget=TimeInput(), initial=datetime.time(10)
    )
    closes = forms.TimeField(
        label=_("Closes a week later at"), widget=TimeInput(), initial=datetime.time(9)
    )


class QuestionForm(StyledForm):
    text = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    difficulty = forms.TypedChoiceField(label=_("Difficulty"), coerce=int, choices=Difficulty.choices,
                                        initial=Difficulty.MEDIUM)  # fmt: skip

    OPTIONS = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.OPTIONS + 1):
            self.fields[f"option_{n}"] = forms.CharField(label=_("Option %(n)d") % {"n": n}, max_length=500,
                                                         required=n <= 2)  # fmt: skip
            self.fields[f"right_{n}"] = forms.BooleanField(label=_("Right"), required=False)
            self.fields[f"option_{n}"].widget.attrs["class"] = "form-control"
            self.fields[f"right_{n}"].widget.attrs["class"] = "form-check-input"

    def option_rows(self):
        return [(self[f"option_{n}"], self[f"right_{n}"]) for n in range(1, self.OPTIONS + 1)]

    @classmethod
    def initial_for(cls, question) -> dict:
        """The form's values for an existing question (to correct it)."""
        initial = {"text": question.text, "kind": question.kind, "topic": question.topic,
                   "difficulty": question.difficulty}  # fmt: skip
        for n, option in enumerate(
            question.options.order_by("order", "pk")[: cls.OPTIONS], start=1
        ):
            initial[f"option_{n}"], initial[f"right_{n}"] = option.text, option.is_correct
        return initial

    def head_fields(self):
        return [self[name] for name in ("text", "kind", "topic", "difficulty")]

    def options(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [
            (data.get(f"option_{n}") or "", bool(data.get(f"right_{n}")))
            for n in range(1, self.OPTIONS + 1)
        ]


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Excel or CSV file"))


class PublicEntryForm(StyledForm):
    """Who takes part in a public contest (no account)."""

    full_name = forms.CharField(label=_("Full name"), max_length=120)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput(),
                                    input_formats=["%Y-%m-%d", "%d/%m/%Y"])  # fmt: skip
    phone = forms.CharField(label=_("Phone number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))  # fmt: skip
    area = forms.ModelChoiceField(label=_("Commune or ward where you live"), queryset=None,
                                  empty_label=_("— choose —"))  # fmt: skip

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = communes
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"


def local(dt: datetime.datetime) -> datetime.datetime:
    return dt.astimezone(VN)
