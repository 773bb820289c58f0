"""Pages for likely duplicate records: the groups in the user's scope, one group side by side,
and the merge (MANAGE_MEMBERS; anything outside the scope is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.members import duplicates, selectors, services
from hoiso.members.models import Member

GROUPS_PER_PAGE = 25


def _require(user) -> None:
    if not user.can_anywhere(Action.MANAGE_MEMBERS):
        raise Http404


@login_required
@require_GET
def duplicate_list(request):
    """Groups of likely duplicates (same folded name and date of birth) in the user's scope."""
    _require(request.user)
    page = Paginator(duplicates.duplicate_keys(request.user), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    groups = duplicates.groups_for(request.user, page.object_list)
    return render(request, "members/duplicates_list.html", {"page": page, "groups": groups})


def _group(request, pk) -> list[Member]:
    member = selectors.member_get(user=request.user, pk=pk, action=Action.MANAGE_MEMBERS)
    return duplicates.group_of(request.user, member)


def _value(member: Member, name: str):
    if name == "unit":
        return member.unit.name
    if name == "address_area":
        return member.address_area.name if member.address_area else ""
    display = getattr(member, f"get_{name}_display", None)
    return display() if display else getattr(member, name)


@login_required
@require_GET
def duplicate_review(request, pk):
    """One group side by side: every field, the differing ones highlighted, and the merge."""
    group = _group(request, pk)
    sensitive = all(user_can(request.user, Action.VIEW_SENSITIVE, m.unit_path) for m in group)
    rows = []
    for name in duplicates.COMPARED_FIELDS:
        if name in duplicates.SENSITIVE and not sensitive:
            continue
        values = [_value(m, name) for m in group]
        raw = [
            getattr(m, f"{name}_id" if name in ("unit", "address_area") else name) for m in group
        ]
        rows.append({"name": name, "label": Member._meta.get_field(name).verbose_name, "values": values,
                     "differs": len({repr(v) for v in raw}) > 1})  # fmt: skip
    if sensitive:
        for member in group:
            if member.ethnicity or member.religion:
                services.log_sensitive_view(actor=request.user, member=member)
    paths = duplicates.unit_paths(group)
    return render(request, "members/duplicates_review.html", {
        "group": group, "first": group[0], "rows": rows,
        "columns": [{"member": m, "path": paths[m.pk]} for m in group],
    })  # fmt: skip


def _ids(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@login_required
@require_POST
def duplicate_merge(request, pk):
    """Keep the chosen record and close the others of the group (`close`, default all)."""
    group = {m.pk: m for m in _group(request, pk)}
    if not request.POST.get("keep"):
        messages.error(request, _("Choose the record to keep."))
        return redirect("members:duplicate_review", pk=pk)
    (keep_id,) = _ids([request.POST["keep"]])
    close_ids = _ids(request.POST.getlist("close")) or [i for i in group if i != keep_id]
    if keep_id not in group or any(i not in group for i in close_ids):
        raise Http404  # a record outside the group (or the scope) cannot be told apart
    keep = group[keep_id]
    try:
        duplicates.members_merge(
            actor=request.user, keep=keep, others=[group[i] for i in close_ids]
        )
    except services.MemberError as exc:
        messages.error(request, str(exc))
        return redirect("members:duplicate_review", pk=keep.pk)
    messages.success(
        request, _("The records have been merged into %(code)s.") % {"code": keep.code}
    )
    return redirect("members:member_detail", pk=keep.pk)
