"""User management inside the official's subtree, and the security page (two-factor)."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.accounts import forms, selectors, services
from hoiso.accounts.services import AccountError
from hoiso.core.permissions import Action
from hoiso.core.viewkit import submit
from hoiso.org.models import Unit
from hoiso.org.selectors import unit_get


def _require_manager(user) -> None:
    if not user.can_anywhere(Action.MANAGE_USERS):
        raise Http404


def _base_unit(request) -> Unit | None:
    pk = request.GET.get("unit") or request.POST.get("base_unit")
    if pk:
        return unit_get(user=request.user, pk=pk, action=Action.MANAGE_USERS)
    unit = request.get_current_unit()
    if unit is not None and request.user.is_superuser:
        return unit
    return (
        unit
        if unit is not None
        and Unit.objects.visible_to(request.user, Action.MANAGE_USERS).filter(pk=unit.pk).exists()
        else None
    )


@login_required
@require_GET
def user_list(request):
    _require_manager(request.user)
    users = selectors.users_visible(user=request.user, query=request.GET.get("q", "")[:100])
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(
        request, "accounts/user_list.html", {"page": page, "query": request.GET.get("q", "")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request.user)
    base_unit = _base_unit(request)
    form = forms.UserCreateForm(
        request.POST or None,
        actor=request.user,
        base_unit=base_unit,
        initial={"unit": base_unit.pk if base_unit else None},
    )
    created = submit(
        request,
        form,
        lambda data: services.user_create(actor=request.user, **data),
        lambda user: _("The account %(u)s has been created.") % {"u": user.username},
    )
    if created:
        return redirect("accounts:user_detail", pk=created.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": _("New account"), "base_unit": base_unit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    _require_manager(request.user)
    target = selectors.user_get(user=request.user, pk=pk)
    base_unit = _base_unit(request)
    edit_form = forms.UserEditForm(
        request.POST if request.POST.get("form") == "edit" else None,
        initial={"full_name": target.full_name, "email": target.email, "phone": target.phone},
    )
    grant_form = forms.RoleGrantForm(
        request.POST if request.POST.get("form") == "grant" else None,
        actor=request.user,
        base_unit=base_unit,
    )
    password_form = forms.PasswordSetForm(
        request.POST if request.POST.get("form") == "password" else None
    )
    if request.method == "POST":
        bound = {"edit": edit_form, "grant": grant_form, "password": password_form}.get(
            request.POST.get("form")
        )
        if bound is not None and bound.is_valid():
            try:
                _apply(request, target, request.POST["form"], bound.cleaned_data)
            except AccountError as exc:
                bound.add_error(None, str(exc))
            else:
                return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "roles": selectors.roles_in_scope(user=request.user, target=target),
            "edit_form": edit_form,
            "grant_form": grant_form,
            "password_form": password_form,
            "has_totp": Authenticator.objects.filter(
                user=target, type=Authenticator.Type.TOTP
            ).exists(),
            "base_unit": base_unit,
        },
    )


def _apply(request, target, which: str, data: dict) -> None:
    actor = request.user
    if which == "edit":
        services.user_update(actor=actor, target=target, **data)
        messages.success(request, _("The details have been saved."))
    elif which == "grant":
        services.role_grant(actor=actor, target=target, unit=data["unit"], role=data["role"])
        messages.success(request, _("The role has been granted."))
    else:
        services.user_set_password(actor=actor, target=target, password=data["password"])
        messages.success(request, _("The password has been changed."))


@login_required
@require_POST
def user_set_active(request, pk):
    _require_manager(request.user)
    target = selectors.user_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, target=target, active=active)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The account has been unlocked.") if active else _("The account has been locked."),
        )
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def role_revoke(request, pk):
    role = selectors.role_get(user=request.user, pk=pk)
    try:
        services.role_revoke(actor=request.user, role=role)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The role has been removed."))
    return redirect("accounts:user_detail", pk=role.user_id)


@login_required
@require_GET
def security(request):
    """Where an official sets up two-factor sign-in; required for roles that see personal data."""
    return render(
        request,
        "accounts/security.html",
        {
            "required": selectors.mfa_required_for(user=request.user),
            "has_totp": selectors.has_totp(user=request.user),
            "roles": request.user.roles.filter(is_active=True).select_related("unit"),
        },
    )
