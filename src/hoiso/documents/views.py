"""Documents pages: the current unit's outgoing documents (list and search, draft, edit,
issue, the recipients' status), its inbox of received documents (open = read receipt,
respond), and its register of incoming documents. Everything is fetched through the scoped
selectors (404 outside the scope) and written through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.viewkit import submit
from hoiso.documents import forms, selectors, services
from hoiso.documents.models import Delivery, OutgoingDocument, Recipients


def _current(request, action: str = Action.VIEW):
    """The current unit, when the user may do `action` there; else 404."""
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, action, unit.path):
        raise Http404
    return unit


def _can_manage(user, unit) -> bool:
    return unit is not None and user_can(user, Action.MANAGE_UNITS, unit.path)


@login_required
@require_GET
def outgoing_list(request):
    unit = _current(request)
    query, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    rows = selectors.outgoing_list(user=request.user, unit=unit, query=query, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "documents/outgoing_list.html", {
        "page": page, "query": query, "status": status, "unit": unit,
        "statuses": OutgoingDocument.Status.choices,
        "can_manage": _can_manage(request.user, unit),
    })  # fmt: skip


def _outgoing_form(request, unit, document=None):
    initial = {"recipients_mode": Recipients.LEVEL}
    if document is not None:
        initial = {
            "doc_type": document.doc_type, "summary": document.summary,
            "signer": document.signer, "issued_on": document.issued_on,
            "recipients_mode": document.recipients_mode,
            "recipients_kind": document.recipients_kind,
            "recipient_units": list(document.recipient_units.all()),
            "response_required": document.response_required,
            "response_due": document.response_due,
        }  # fmt: skip
    return forms.OutgoingForm(
        request.POST or None, request.FILES or None, initial=initial,
        levels=selectors.level_choices(unit), units=selectors.units_below(unit),
        base_depth=unit.depth + 1,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def outgoing_create(request):
    unit = _current(request, Action.MANAGE_UNITS)
    form = _outgoing_form(request, unit)
    document = submit(
        request, form,
        lambda data: services.document_create(actor=request.user, unit=unit, data=data,
                                              uploads=data.pop("files", [])),
        _("The draft has been saved."),
    )  # fmt: skip
    if document:
        return redirect("documents:outgoing_detail", pk=document.pk)
    return render(request, "documents/outgoing_form.html",
                  {"form": form, "unit": unit, "title": _("Draft a document")})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def outgoing_edit(request, pk):
    document = selectors.outgoing_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    if not document.is_draft:
        messages.error(request, _("An issued document can no longer be changed."))
        return redirect("documents:outgoing_detail", pk=document.pk)
    form = _outgoing_form(request, document.unit, document)
    remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
    if submit(
        request, form,
        lambda data: services.document_update(actor=request.user, document=document, data=data,
                                              uploads=data.pop("files", []), remove=remove),
        _("The draft has been saved."),
    ):  # fmt: skip
        return redirect("documents:outgoing_detail", pk=document.pk)
    return render(request, "documents/outgoing_form.html", {
        "form": form, "unit": document.unit, "document": document,
        "attachments": document.attachments.all(), "title": _("Edit the draft"),
    })  # fmt: skip


@login_required
@require_POST
def outgoing_issue(request, pk):
    document = selectors.outgoing_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    try:
        document = services.document_issue(actor=request.user, document=document)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(symbol)s has been issued and delivered.")
                         % {"symbol": document.symbol})  # fmt: skip
    return redirect("documents:outgoing_detail", pk=document.pk)


@login_required
@require_GET
def outgoing_detail(request, pk):
    document = selectors.outgoing_get(user=request.user, pk=pk)
    deliveries = selectors.deliveries_of(document)
    read = sum(1 for d in deliveries if d.read_at)
    answered = sum(1 for d in deliveries if d.responded_at)
    return render(request, "documents/outgoing_detail.html", {
        "document": document, "deliveries": deliveries, "read": read, "answered": answered,
        "attachments": document.attachments.all(), "today": timezone.localdate(),
        "can_manage": _can_manage(request.user, document.unit),
        "recipient_units": document.recipient_units.all() if document.is_draft else (),
    })  # fmt: skip


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_GET
def inbox(request):
    unit = _current(request)
    query = request.GET.get("q", "").strip()
    rows = selectors.inbox(user=request.user, unit=unit, query=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "documents/inbox.html",
                  {"page": page, "query": query, "unit": unit, "today": timezone.localdate()})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def delivery_detail(request, pk):
    """Opening a received document records the unit's read receipt (services.delivery_open);
    a POST is the unit's response."""
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    can_respond = _can_manage(request.user, delivery.unit)
    if request.method == "POST" and not can_respond:
        raise Http404
    form = forms.ResponseForm(request.POST or None, request.FILES or None)
    if submit(
        request, form,
        lambda data: services.delivery_respond(actor=request.user, delivery=delivery,
                                               text=data["text"], upload=data.get("file")),
        _("Your unit's response has been sent."),
    ):  # fmt: skip
        return redirect("documents:delivery_detail", pk=delivery.pk)
    if request.method == "GET":
        services.delivery_open(actor=request.user, delivery=delivery)
    document = delivery.document
    return render(request, "documents/delivery_detail.html", {
        "delivery": delivery, "document": document, "attachments": document.attachments.all(),
        "form": form, "can_respond": can_respond and document.response_required
        and delivery.responded_at is None,
    })  # fmt: skip


@login_required
@require_GET
def delivery_response_file(request, pk):
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    if not delivery.response_file:
        raise Http404
    return FileResponse(delivery.response_file.open("rb"), as_attachment=True,
                        filename=delivery.response_file_name)  # fmt: skip


@login_required
@require_GET
def response_file(request, pk):
    """The issuer reads a recipient's response file from her document's page."""
    delivery = Delivery.objects.select_related("document").filter(pk=pk).first()
    if delivery is None or not delivery.response_file:
        raise Http404
    selectors.outgoing_get(user=request.user, pk=delivery.document_id)  # 404 outside her scope
    return FileResponse(delivery.response_file.open("rb"), as_attachment=True,
                        filename=delivery.response_file_name)  # fmt: skip


@login_required
@require_GET
def incoming_list(request):
    unit = _current(request)
    query = request.GET.get("q", "").strip()
    rows = selectors.incoming_list(user=request.user, unit=unit, query=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "documents/incoming_list.html", {
        "page": page, "query": query, "unit": unit,
        "can_manage": _can_manage(request.user, unit),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def incoming_create(request):
    unit = _current(request, Action.MANAGE_UNITS)
    form = forms.IncomingForm(request.POST or None, request.FILES or None,
                              handlers=selectors.handler_choices(unit),
                              initial={"handler": unit.pk, "received_on": timezone.localdate()})  # fmt: skip
    document = submit(
        request, form,
        lambda data: services.incoming_register(actor=request.user, registrar=unit,
                                                handler=data["handler"], data=data,
                                                upload=data.get("file")),
        lambda doc: _("Entered in the register as number %(n)s.") % {"n": doc.entry_number},
    )  # fmt: skip
    if document:
        return redirect("documents:incoming_detail", pk=document.pk)
    return render(request, "documents/incoming_form.html", {"form": form, "unit": unit})


@login_required
@require_GET
def incoming_detail(request, pk):
    document = selectors.incoming_get(user=request.user, pk=pk)
    return render(request, "documents/incoming_detail.html", {"document": document})


@login_required
@require_GET
def incoming_file(request, pk):
    document = selectors.incoming_get(user=request.user, pk=pk)
    if not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file_name)
