"""Pages of the member registry: list and search, a member's record and path, admission,
edits, transfers (within and across provinces), leaving, death, reinstatement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core import audit
from hoiso.core.history import history_rows, shown
from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q, user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.members import (
    cards,
    exporting,
    forms,
    personal_data,
    personal_data_pdf,
    selectors,
    services,
)
from hoiso.members.models import SENSITIVE_FIELDS, Member
from hoiso.org.selectors import areas_for_units, breadcrumb


def _require(user, action: str) -> None:
    if not user.can_anywhere(action):
        raise Http404


def _units_under(request, action=Action.MANAGE_MEMBERS):
    """Branches and groups under the current unit that the user may manage."""
    units = selectors.member_units(user=request.user, action=action)
    current = request.get_current_unit()
    return units.filter(path_q("path", [current.path])) if current else units


@login_required
@require_GET
def member_list(request):
    _require(request.user, Action.VIEW_PERSONAL)
    search, data, _filters, unit, found = _listed(request)
    page = found.paginator(50).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {
        "page": page, "search": search, "unit": unit, "query": data.get("q", ""),
        "more_found": found.more, "similar_found": found.similar,
        "can_admit": request.user.can_anywhere(Action.MANAGE_MEMBERS),
    })  # fmt: skip


def _listed(request):
    """The list's members from the query string: the same filters as the page."""
    search = forms.SearchForm(request.GET or None)
    search.is_valid()
    data = search.cleaned_data if search.is_bound else {}
    filters = {"status": data.get("status"), "member_type": data.get("member_type"),
               "is_core": True if data.get("is_core") == "1" else None}  # fmt: skip
    unit = request.get_current_unit()
    found = selectors.members_search(
        user=request.user, query=data.get("q", ""), unit=unit, filters=filters
    )
    return search, data, filters, unit, found


@login_required
@require_GET
def member_export(request):
    """The filtered list as XLSX or CSV. Sensitive columns only for roles allowed to see them
    in the listed unit; every export is logged."""
    _require(request.user, Action.VIEW_PERSONAL)
    _search, data, filters, unit, found = _listed(request)
    members = found.members
    sensitive = unit is not None and user_can(request.user, Action.VIEW_SENSITIVE, unit.path)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    name = f"hoi-vien-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exporting.csv_lines(members, sensitive=sensitive),
                                         content_type="text/csv; charset=utf-8")  # fmt: skip
        count = members.count()
    else:
        output, count = exporting.write_xlsx(members, sensitive=sensitive)
        response = FileResponse(output, as_attachment=True, filename=name,
                                content_type=XLSX_CONTENT_TYPE)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(actor=request.user, action="member.export", unit_path=unit.path if unit else "",
                 details={"format": fmt, "rows": count, "sensitive": sensitive, "query": data.get("q", ""),
                          "filters": {k: v for k, v in filters.items() if v not in (None, "")}})  # fmt: skip
    return response


def _verify_url(request, member) -> str:
    return request.build_absolute_uri(
        reverse("members:member_verify", args=[cards.card_token(member)])
    )


def _cards_response(request, members, filename: str, unit_path: str, count: int):
    try:
        pdf = cards.cards_pdf(members, lambda m: _verify_url(request, m))
    except cards.CardError as exc:
        messages.error(request, str(exc))
        return redirect("members:member_list")
    audit.record(
        actor=request.user, action="member.cards", unit_path=unit_path, details={"cards": count}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def member_card(request, pk):
    """Her card as a PDF, with a QR code that anyone can check on the verification page."""
    member = selectors.member_get(user=request.user, pk=pk)
    return _cards_response(
        request, [member], f"the-hoi-vien-{member.code}.pdf", member.unit_path, 1
    )


CARDS_LIMIT = 500


@login_required
@require_GET
def member_cards(request):
    """Cards of the listed active members (the list's filters), at most CARDS_LIMIT at a time."""
    _require(request.user, Action.VIEW_PERSONAL)
    _search, _data, _filters, unit, found = _listed(request)
    members = list(
        found.members.filter(status=Member.Status.ACTIVE).select_related("unit", "unit__parent")[
            :CARDS_LIMIT
        ]
    )
    return _cards_response(
        request, members, "the-hoi-vien.pdf", unit.path if unit else "", len(members)
    )


@require_GET
def member_verify(request, token):
    """Public: whether the card's holder is a member today. Only her name, unit and status."""
    member = cards.member_from_token(token)
    if member is None:
        raise Http404
    return render(request, "members/member_verify.html", {"member": member})


@login_required
@require_GET
def member_data_export(request, pk):
    """A copy of everything kept about her, for her request (JSON); the export is logged.
    The copy holds her ethnicity and religion, so only roles that may read them issue it."""
    member = selectors.member_get(user=request.user, pk=pk, action=Action.VIEW_SENSITIVE)
    audit.record(
        actor=request.user, action="member.data_export", obj=member, details={"format": "json"}
    )
    response = JsonResponse(
        personal_data.member_data(member), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="du-lieu-{member.code}.json"'
    return response


@login_required
@require_GET
def member_data_pdf(request, pk):
    """The same copy as a readable A4 PDF in Vietnamese; checked and logged as the JSON copy."""
    member = selectors.member_get(user=request.user, pk=pk, action=Action.VIEW_SENSITIVE)
    try:
        pdf = personal_data_pdf.member_data_pdf(member)
    except cards.CardError as exc:
        messages.error(request, str(exc))
        return redirect("members:member_detail", pk=member.pk)
    audit.record(actor=request.user, action="member.data_export", obj=member,
                 details={"format": "pdf"})  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="du-lieu-{member.code}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_anonymise(request, pk):
    def run(member, data):
        return personal_data.member_anonymise(
            actor=request.user, member=member, reason=data["request"]
        )

    return _lifecycle(request, pk, forms.AnonymiseForm, run, _("Her personal data has been removed."),
                      _("Remove the personal data of %(name)s"),
                      danger=_("Remove her data? This cannot be undone."))  # fmt: skip


@login_required
@require_GET
def member_detail(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    sensitive = selectors.can_see_sensitive(user=request.user, member=member)
    if sensitive and (member.ethnicity or member.religion):
        services.log_sensitive_view(actor=request.user, member=member)
    return render(request, "members/member_detail.html", {
        "member": member,
        "sensitive": sensitive,
        "can_manage": selectors.can_manage(user=request.user, member=member),
        "events": selectors.member_events(member=member),
        "consents": member.consents.select_related("recorded_by"),
        "crumbs": breadcrumb(user=request.user, unit=member.unit),
        "crumb_link_last": True,
    })  # fmt: skip


def _record_form(request, member=None, **extra):
    sensitive = (
        selectors.can_see_sensitive(user=request.user, member=member)
        if member
        else request.user.can_anywhere(Action.VIEW_SENSITIVE)
    )
    areas = areas_for_units(user=request.user, action=Action.VIEW)
    return sensitive, areas


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    _require(request.user, Action.MANAGE_MEMBERS)
    sensitive, areas = _record_form(request)
    form = forms.AdmitForm(
        request.POST or None, units=_units_under(request), areas=areas, sensitive=sensitive
    )

    def admit(data):
        unit, joined_on = data.pop("unit"), data.pop("joined_on")
        decision, consents = data.pop("decision"), data.pop("consents")
        return services.member_admit(actor=request.user, unit=unit, data=data, joined_on=joined_on,
                                     consents=consents, decision=decision)  # fmt: skip

    member = submit(request, form, admit, lambda m: _("%(name)s has been admitted, code %(code)s.")
                    % {"name": m.full_name, "code": m.code})  # fmt: skip
    if member:
        return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "title": _("Admit a member")})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = selectors.member_get(user=request.user, pk=pk, action=Action.MANAGE_MEMBERS)
    sensitive, areas = _record_form(request, member)
    form = forms.MemberForm(request.POST or None, instance=member, areas=areas, sensitive=sensitive)
    if submit(request, form, lambda data: services.member_update(actor=request.user, member=member, data=data),
              _("The record has been saved.")):  # fmt: skip
        return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {
        "form": form, "member": member, "title": _("Edit the record of %(name)s") % {"name": member.full_name},
    })  # fmt: skip


def _lifecycle(request, pk, form_class, run, success, title, *, units=False, danger: str = ""):
    member = selectors.member_get(user=request.user, pk=pk, action=Action.MANAGE_MEMBERS)
    kwargs = {"units": _units_under(request)} if units else {}
    form = form_class(request.POST or None, **kwargs)
    if submit(request, form, lambda data: run(member, data), success):
        return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {
        "form": form, "member": member, "title": title % {"name": member.full_name}, "danger": danger,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    def run(member, data):
        return services.member_transfer(actor=request.user, member=member, to_unit=data["to_unit"],
                                        on=data["on"], reason=data["reason"])  # fmt: skip

    return _lifecycle(request, pk, forms.TransferForm, run, _("The transfer has been recorded."),
                      _("Transfer %(name)s"), units=True)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    def run(member, data):
        return services.member_leave(actor=request.user, member=member, **data)

    return _lifecycle(request, pk, forms.LeaveForm, run, _("Her leaving has been recorded."),
                      _("%(name)s leaves the Union"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_death(request, pk):
    def run(member, data):
        return services.member_death(actor=request.user, member=member, **data)

    return _lifecycle(request, pk, forms.DeathForm, run, _("Her death has been recorded."),
                      _("Record the death of %(name)s"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_reinstate(request, pk):
    def run(member, data):
        return services.member_reinstate(actor=request.user, member=member, **data)

    return _lifecycle(request, pk, forms.ReinstateForm, run, _("She has been reinstated."),
                      _("Reinstate %(name)s"), units=True)  # fmt: skip


@login_required
@require_GET
def member_history(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    sensitive = selectors.can_see_sensitive(user=request.user, member=member)
    hidden = set() if sensitive else {"ethnicity", "religion"}
    records = list(member.history.select_related("history_user").order_by("-history_date")[:100])
    rows = history_rows(records, Member, excluded=["unit"], hidden=hidden)
    if sensitive and any(r.ethnicity or r.religion for r in records):
        services.log_sensitive_view(actor=request.user, member=member)
    can_manage = selectors.can_manage(user=request.user, member=member)
    return render(request, "members/member_history.html",
                  {"member": member, "rows": rows, "can_manage": can_manage})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_restore(request, pk, version):
    """Bring the record's details back to an earlier version: the page lists what would
    change; confirming writes it as a new version."""
    member = selectors.member_get(user=request.user, pk=pk, action=Action.MANAGE_MEMBERS)
    old = member.history.filter(history_id=version).select_related("history_user").first()
    if old is None:
        raise Http404
    if request.method == "POST":
        try:
            services.member_restore(actor=request.user, member=member, version_id=old.history_id)
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The earlier version has been restored."))
        return redirect("members:member_history", pk=member.pk)
    sensitive = selectors.can_see_sensitive(user=request.user, member=member)
    changes = [
        {"field": Member._meta.get_field(name).verbose_name,
         "now": shown(Member._meta.get_field(name), getattr(member, name)),
         "then": shown(Member._meta.get_field(name), getattr(old, name))}
        for name in services.EDITABLE_FIELDS
        if (sensitive or name not in SENSITIVE_FIELDS) and getattr(member, name) != getattr(old, name)
    ]  # fmt: skip
    return render(request, "members/member_restore.html",
                  {"member": member, "version": old, "changes": changes})  # fmt: skip


@login_required
@require_GET
def transfer_list(request):
    _require(request.user, Action.MANAGE_MEMBERS)
    return render(request, "members/transfer_list.html", {
        "incoming": selectors.transfers_incoming(user=request.user),
        "outgoing": selectors.transfers_outgoing(user=request.user)[:100],
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def transfer_decide(request, pk):
    transfer = selectors.transfers_incoming(user=request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    units = selectors.member_units(user=request.user).filter(
        path_q("path", [transfer.to_unit.path])
    )
    form = forms.DecideForm(
        request.POST or None, units=units, initial={"to_unit": transfer.to_unit_id}
    )
    if submit(request, form, lambda data: services.transfer_decide(actor=request.user, request=transfer, **data),
              _("The decision has been recorded.")):  # fmt: skip
        return redirect("members:transfer_list")
    return render(request, "members/member_form.html", {
        "form": form, "member": transfer.member,
        "title": _("Transfer of %(name)s from %(unit)s") % {"name": transfer.member.full_name, "unit": transfer.unit.name},
    })  # fmt: skip
