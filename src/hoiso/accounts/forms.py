"""Forms of user management. Unit choices are limited to the actor's scope."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.roles import RoleKind, grantable_roles
from hoiso.core.forms import StyledForm
from hoiso.core.permissions import Action
from hoiso.org.models import Unit


class ScopedUnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * max(obj.depth - 1, 0)}{obj.name}"


def _role_choices(actor):
    kinds = set(RoleKind.values) if actor.is_superuser else actor.role_kinds()
    return [(r, RoleKind(r).label) for r in grantable_roles(kinds)]


def _unit_queryset(actor, base_unit: Unit | None):
    """The base unit (the one the official works in) and the units directly under it, so
    the list stays short on a phone; other units are reached by switching unit first."""
    qs = Unit.objects.visible_to(actor, Action.MANAGE_USERS).active()
    if base_unit is None:
        return qs.none()
    return qs.filter(Q(pk=base_unit.pk) | Q(parent=base_unit)).order_by("depth", "name_sort")


class UserCreateForm(StyledForm):
    username = forms.RegexField(
        label=_("User name"),
        max_length=40,
        regex=r"^[a-zA-Z0-9_.-]+$",
        error_messages={"invalid": _("Use letters without accents, digits, dots, dashes.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        min_length=8,
        max_length=128,
    )
    unit = ScopedUnitField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, actor, base_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_queryset(actor, base_unit)
        self.fields["role"].choices = _role_choices(actor)


class UserEditForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class RoleGrantForm(StyledForm):
    unit = ScopedUnitField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, actor, base_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_queryset(actor, base_unit)
        self.fields["role"].choices = _role_choices(actor)


class PasswordSetForm(StyledForm):
    password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, min_length=8, max_length=128
    )
