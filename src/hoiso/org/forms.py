"""Forms of the organisation pages. Choices are always limited to the user's scope; the
services check scope again, so a forged value gets a message, not a change."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import StyledForm
from hoiso.core.permissions import Action
from hoiso.org.models import Position, Unit


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        )


def _indented(unit: Unit) -> str:
    return f"{'— ' * max(unit.depth - 1, 0)}{unit.name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return _indented(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return _indented(obj)


def child_choices(user, parent: Unit):
    """The restructuring wizard works inside one parent unit: its active children."""
    return Unit.objects.visible_to(user, Action.VIEW).filter(parent=parent).active().vn_ordered()


def peer_choices(user, parent: Unit):
    """Units a child of `parent` may move to: active units of the parent's level in scope."""
    return (
        Unit.objects.visible_to(user, Action.RESTRUCTURE)
        .active()
        .filter(depth=parent.depth)
        .exclude(pk=parent.pk)
        .vn_ordered()
    )


class RestructuringBaseForm(StyledForm):
    effective_on = forms.DateField(
        label=_("Effective on"), widget=DateInput(), initial=timezone.localdate
    )
    decision = forms.CharField(
        label=_("Decision number"), max_length=120, required=False, help_text=_("e.g. 25/QĐ-HPN")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(RestructuringBaseForm):
    target = UnitChoiceField(label=_("Receiving unit"), queryset=Unit.objects.none())
    sources = UnitMultipleChoiceField(
        label=_("Units to merge into it"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    allow_cross_province = forms.BooleanField(label=_("Across provinces"), required=False)
    field_order = ["target", "sources", "allow_cross_province", "effective_on", "decision", "note"]

    def __init__(self, *args, user, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = child_choices(user, parent)
        self.fields["sources"].queryset = child_choices(user, parent)


class MoveForm(RestructuringBaseForm):
    unit = UnitChoiceField(label=_("Unit to move"), queryset=Unit.objects.none())
    new_parent = UnitChoiceField(label=_("New parent unit"), queryset=Unit.objects.none())
    allow_cross_province = forms.BooleanField(label=_("Across provinces"), required=False)
    field_order = ["unit", "new_parent", "allow_cross_province", "effective_on", "decision", "note"]

    def __init__(self, *args, user, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = child_choices(user, parent)
        self.fields["new_parent"].queryset = peer_choices(user, parent)


class RenameForm(RestructuringBaseForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    new_name = forms.CharField(label=_("New name"), max_length=200)
    field_order = ["unit", "new_name", "effective_on", "decision", "note"]

    def __init__(self, *args, user, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = child_choices(user, parent)


class SplitForm(RestructuringBaseForm):
    """Step one of a split: which unit, and the new units' names and codes (one per line:
    name; code)."""

    unit = UnitChoiceField(label=_("Unit to split"), queryset=Unit.objects.none())
    parts = forms.CharField(
        label=_("New units"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name; code. For example: Chi hội Ấp 1A; CH-1A"),
        max_length=4000,
    )
    field_order = ["unit", "parts", "effective_on", "decision", "note"]

    def __init__(self, *args, user, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = child_choices(user, parent)

    def clean_parts(self):
        parts = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, code = line.partition(";")
            if not sep or not name.strip() or not code.strip():
                raise forms.ValidationError(
                    _("Line %(n)d: write the name, a semicolon, then the code.") % {"n": number}
                )
            parts.append((name.strip(), code.strip()))
        if len(parts) < 2:
            raise forms.ValidationError(_("A split needs at least two new units."))
        return parts


class UnitCreateForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    area = forms.ModelChoiceField(label=_("Administrative area"), queryset=None, required=False)
    active_from = forms.DateField(
        label=_("Active from"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args, parent: Unit, areas, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Unit.Kind(k).label) for k in kinds]
        self.fields["area"].queryset = areas


class UnitEditForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    area = forms.ModelChoiceField(label=_("Administrative area"), queryset=None, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class OfficialForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none())
    term_start = forms.IntegerField(label=_("Term from (year)"), min_value=1930, max_value=2100)
    term_end = forms.IntegerField(label=_("Term to (year)"), min_value=1930, max_value=2100)
    started_on = forms.DateField(
        label=_("Started on"), widget=DateInput(), initial=timezone.localdate
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in Position.objects.all() if p.fits(unit)]
        self.fields["position"].queryset = Position.objects.filter(pk__in=ids)


class OfficialEndForm(StyledForm):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)


class PopulationForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    women_18_plus = forms.IntegerField(label=_("Women aged 18+"), min_value=0, max_value=5_000_000)


class PopulationImportForm(StyledForm):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
