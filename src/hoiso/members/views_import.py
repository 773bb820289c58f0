"""Pages of the member import: template, upload, column mapping, dry run, import, error
report, the list of batches and undoing one. Every batch is fetched through the import
selectors with the acting user: another commune's batch is 404."""

import io

import xlsxwriter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core import progress
from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError
from hoiso.members import selectors, tasks
from hoiso.members.importing import selectors as import_selectors
from hoiso.members.importing import services
from hoiso.members.importing.columns import COLUMNS
from hoiso.members.importing.forms import MappingForm, ModeForm, UploadForm
from hoiso.members.models import ImportBatch
from hoiso.members.services import MemberError

RUNNING = (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)


def _require(user) -> None:
    if not user.can_anywhere(Action.MANAGE_MEMBERS):
        raise Http404


def _units(request):
    units = selectors.member_units(user=request.user)
    current = request.get_current_unit()
    return units.filter(path_q("path", [current.path])) if current else units


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def import_template(request):
    """An empty workbook with the usual Vietnamese headers and one example row."""
    _require(request.user)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("Members")[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header, bold)
        sheet.set_column(col, col, 24 if column.field == "full_name" else 14, text)
    sheet.freeze_panes(1, 1)
    book.close()
    return _xlsx(output.getvalue(), "mau-danh-sach-hoi-vien.xlsx")


@login_required
@require_GET
def import_list(request):
    _require(request.user)
    batches = import_selectors.import_batches(user=request.user)[:200]
    return render(request, "members/import_list.html", {"batches": batches})


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    _require(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.HOISO_MAX_UPLOAD_BYTES:
            limit = settings.HOISO_MAX_UPLOAD_BYTES // 2**20
            form.add_error("file", _("The file is too large (at most %(mb)d MB).") % {"mb": limit})
        else:
            try:
                batch = services.batch_create(actor=request.user, unit=form.cleaned_data["unit"],
                                              file_name=upload.name, data=upload.read())  # fmt: skip
            except (SpreadsheetError, MemberError) as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("members:import_detail", pk=batch.pk)
    return render(request, "members/import_start.html", {"form": form})


def _start_task(request, batch, kind, title, task, *args):
    job = progress.start(kind=kind, owner=request.user, title=title % {"file": batch.file_name[:80]},
                         unit_path=batch.unit_path)  # fmt: skip
    batch.progress = job
    batch.save(update_fields=["progress", "status"])
    task.enqueue(str(job.pk), batch.pk, request.user.pk, *args)


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """The batch: its columns to confirm, then the dry run's results and the import."""
    batch = import_selectors.import_batch_get(user=request.user, pk=pk)
    editable = not services.purged_refusal(batch) and batch.status in (
        ImportBatch.Status.MAPPING,
        ImportBatch.Status.CHECKED,
        ImportBatch.Status.FAILED,
    )
    mapping = MappingForm(request.POST or None, headers=batch.headers, mapping=batch.mapping,
                          samples=(batch.outcome or {}).get("samples", []))  # fmt: skip
    if request.method == "POST" and editable and mapping.is_valid():
        try:
            services.batch_map(actor=request.user, batch=batch, mapping=mapping.mapping())
        except MemberError as exc:
            mapping.add_error(None, str(exc))
        else:
            _start_task(
                request, batch, "member_import_check", _("Checking %(file)s"), tasks.check_members
            )
            return redirect("members:import_detail", pk=batch.pk)
    return render(request, "members/import_detail.html", {
        "batch": batch, "mapping": mapping if editable else None, "mode_form": ModeForm(),
        "running": batch.status in RUNNING, "progress": batch.progress,
        "rows": batch.outcome.get("rows", []), "undo_refusal": services.undo_refusal(batch),
        "purged": services.purged_refusal(batch),
        "show_mapping": batch.status == ImportBatch.Status.MAPPING or request.method == "POST",
    })  # fmt: skip


@login_required
@require_GET
def import_status(request, pk):
    """Polled while a task runs: nothing to swap until it ends, then the page reloads."""
    batch = import_selectors.import_batch_get(user=request.user, pk=pk)
    if batch.status in RUNNING and not (batch.progress and batch.progress.finished):
        return HttpResponse(status=204)
    response = HttpResponse("")
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_apply(request, pk):
    batch = import_selectors.import_batch_get(user=request.user, pk=pk)
    form = ModeForm(request.POST)
    try:
        if not form.is_valid():
            raise MemberError(_("Choose how to import."))
        services.batch_claim(actor=request.user, batch=batch)
    except MemberError as exc:
        messages.error(request, str(exc))
        return redirect("members:import_detail", pk=batch.pk)
    _start_task(request, batch, "member_import", _("Importing %(file)s"), tasks.import_members,
                form.cleaned_data["mode"])  # fmt: skip
    return redirect("members:import_detail", pk=batch.pk)


@login_required
@require_GET
def import_report(request, pk):
    batch = import_selectors.import_batch_get(user=request.user, pk=pk)
    if services.purged_refusal(batch):
        messages.error(request, services.purged_refusal(batch))
        return redirect("members:import_detail", pk=batch.pk)
    try:
        data = services.batch_report(batch=batch)
    except (SpreadsheetError, OSError) as exc:
        raise Http404 from exc
    return _xlsx(data, f"loi-nhap-hoi-vien-{batch.pk}.xlsx")


@login_required
@require_POST
def import_undo(request, pk):
    batch = import_selectors.import_batch_get(user=request.user, pk=pk)
    try:
        count = services.batch_undo(actor=request.user, batch=batch)
    except MemberError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The import has been undone: %(n)d members marked as left.") % {"n": count}
        )
    return redirect("members:import_detail", pk=batch.pk)
