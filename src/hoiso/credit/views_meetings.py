"""The monthly meeting of a savings group: its meetings (past submissions, the next meeting
day), the collection sheet of a day as a page, a printable PDF and XLSX, and the entry of
what the meeting collected — one POST, once.

Every page needs COLLECT_CREDIT at the group's unit (the sheet names each member's debts):
commune and credit officers, province admins, and the branch leader of a group held by her
branch; the group comes through `selectors.group_for(..., action=COLLECT_CREDIT)` (404 outside).

The entry form carries an idempotency key made when the form is rendered: a double click, or
going back and submitting again, finds the first submission (by its key, or by the group and
day) and shows it; nothing is posted twice (`collection.collection_submit` enforces the same
under a lock).
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.credit import exports, selectors, services
from hoiso.credit.collection import CollectionLine
from hoiso.credit.ledger import CreditError
from hoiso.members.cards import CardError

MAX_AMOUNT = 10**12  # a thousand billion đồng: more is a typing slip


def parse_day(value: str | None) -> datetime.date | None:
    """A day from a query or form: 2025-03-10 or 10/03/2025; None if blank or not a date."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_amount(text: str | None) -> int:
    """Whole đồng from what an official types: "1.250.000", "1250000", "1 250 000" or
    "1,250,000"; blank is 0. Negative, fractional or non-numeric amounts are refused."""
    raw = re.sub(r"[\s\u00a0]", "", text or "").removesuffix("đ").removesuffix("₫")
    if not raw:
        return 0
    if raw[0] in "-−":
        raise ValidationError(_("The amount cannot be negative."))
    if (
        re.fullmatch(r"\d+", raw)
        or re.fullmatch(r"\d{1,3}(\.\d{3})+", raw)
        or re.fullmatch(r"\d{1,3}(,\d{3})+", raw)
    ):
        value = int(re.sub(r"[.,]", "", raw))
        if value > MAX_AMOUNT:
            raise ValidationError(_("The amount is too large."))
        return value
    if re.fullmatch(r"\d[\d.,]*[.,]\d{1,2}", raw):
        raise ValidationError(_("The amount must be a whole number of đồng, without fractions."))
    raise ValidationError(_("Enter an amount in đồng, for example 1.250.000."))


def _group(request, pk):
    return selectors.group_for(user=request.user, pk=pk, action=Action.COLLECT_CREDIT)


def _page(request, template: str, group, **extra):
    """A page of the group's meetings, under the group's tabs (credit/_credit_tabs.html)."""
    return render(request, template, {
        "group": group, "active": "meetings",
        "can_manage": user_can(request.user, Action.MANAGE_CREDIT, group.unit_path),
        "meetings_url": reverse("credit:meeting_list", args=[group.pk]), **extra,
    })  # fmt: skip


def _sheet_url(group, on: datetime.date) -> str:
    return f"{reverse('credit:sheet', args=[group.pk])}?on={on.isoformat()}"


@login_required
@require_GET
def meeting_list(request, pk):
    """The group's meetings: the next one, and the recent meeting days with what each
    collected (or that nothing was entered)."""
    group = _group(request, pk)
    today = timezone.localdate()
    submissions = list(selectors.group_submissions(group=group)[:60])
    by_day = {s.on: s for s in submissions}
    past = selectors.past_meetings(group=group, today=today)
    missing = [day for day in past if day not in by_day]
    return _page(request, "credit/meeting_list.html", group,
                 next=selectors.next_meeting(group=group, today=today),
                 submissions=submissions, missing=missing, today=today)  # fmt: skip


def _sheet_day(request, group) -> datetime.date:
    today = timezone.localdate()
    return parse_day(request.GET.get("on")) or selectors.next_meeting(group=group, today=today)


@login_required
@require_GET
def sheet(request, pk):
    """The collection sheet of a meeting day (?on=, default the next meeting); once the
    meeting's collections are entered, what was posted."""
    group = _group(request, pk)
    on = _sheet_day(request, group)
    the_sheet = selectors.collection_sheet_for(user=request.user, group=group, on=on)
    entries = []
    if the_sheet.submission is not None:
        entries = selectors.submission_entries(submission=the_sheet.submission)
    return _page(request, "credit/sheet_detail.html", group, sheet=the_sheet, on=on,
                 entries=entries, rows=exports.sheet_rows(the_sheet),
                 totals=exports.sheet_totals(the_sheet), can_collect=on <= timezone.localdate())  # fmt: skip


def _download(request, group, on, data: bytes, kind: str, content_type: str, inline: bool):
    audit.record(actor=request.user, action="credit.sheet_download", obj=group,
                 details={"on": on.isoformat(), "format": kind})  # fmt: skip
    response = HttpResponse(data, content_type=content_type)
    name = f"{slugify(group.name) or 'to'}-{on.isoformat()}.{kind}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
@require_GET
def sheet_pdf(request, pk):
    """The sheet to print before the meeting (A4 landscape)."""
    group = _group(request, pk)
    on = _sheet_day(request, group)
    the_sheet = selectors.collection_sheet_for(user=request.user, group=group, on=on)
    try:
        data = exports.sheet_pdf(the_sheet, officer=request.user.get_full_name())
    except CardError as exc:
        messages.error(request, str(exc))
        return redirect(_sheet_url(group, on))
    return _download(request, group, on, data, "pdf", "application/pdf", inline=True)


@login_required
@require_GET
def sheet_xlsx(request, pk):
    group = _group(request, pk)
    on = _sheet_day(request, group)
    the_sheet = selectors.collection_sheet_for(user=request.user, group=group, on=on)
    return _download(request, group, on, exports.sheet_xlsx(the_sheet), "xlsx", XLSX_CONTENT_TYPE,
                     inline=False)  # fmt: skip


# --- the entry of what the meeting collected -------------------------------------------------


def _form_rows(the_sheet, posted=None):
    """One row per member: her loans and savings with the field name, what is due (the
    prefilled value) and, after a refused POST, what was typed and its error."""
    rows, errors = [], {}
    for line in the_sheet.lines:
        items = []
        for x in line.loans:
            items.append({"name": f"loan-{x.loan.pk}", "loan": x, "due": x.total_due})
        for s in line.savings:
            items.append({"name": f"sav-{s.account.pk}", "savings": s, "due": s.expected})
        for item in items:
            item["value"] = posted.get(item["name"], "") if posted is not None else (
                exports.money(item["due"]))  # fmt: skip
            if posted is not None:
                try:
                    item["amount"] = parse_amount(item["value"])
                except ValidationError as exc:
                    item["error"] = exc.messages[0]
                    errors[item["name"]] = item["error"]
        rows.append({"member": line.member, "items": items})
    return rows, errors


def _lines(rows) -> list[CollectionLine]:
    lines = []
    for row in rows:
        for item in row["items"]:
            if not item.get("amount"):
                continue
            if "loan" in item:
                lines.append(CollectionLine(item["amount"], loan_id=item["loan"].loan.pk))
            else:
                lines.append(CollectionLine(item["amount"],
                                            savings_account_id=item["savings"].account.pk))  # fmt: skip
    return lines


def _already(request, group, submission, *, posted: bool):
    """Show the meeting's first submission; after a POST, say that nothing was posted again."""
    when = timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
    if posted:
        text = _(
            "The collections of this meeting were already entered on %(when)s; nothing was posted again."
        )
    else:
        text = _(
            "The collections of this meeting were entered on %(when)s; a mistake is corrected by reversing its entry."
        )
    messages.info(request, text % {"when": when})
    return redirect(_sheet_url(group, submission.on))


@login_required
@require_http_methods(["GET", "POST"])
def collect(request, pk):
    """What the meeting actually collected, one row per member prefilled with what is due."""
    group = _group(request, pk)
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    on = parse_day(source.get("on")) or (selectors.past_meetings(group=group, today=today + datetime.timedelta(days=1), count=1) or [today])[0]  # fmt: skip
    key = (request.POST.get("key") or "").strip() if request.method == "POST" else uuid.uuid4().hex
    if key:
        first = selectors.submission_by_key(group=group, key=key)
        if first is not None:
            return _already(request, group, first, posted=request.method == "POST")
    first = selectors.submission_for(group=group, on=on)
    if first is not None:
        return _already(request, group, first, posted=request.method == "POST")
    the_sheet = selectors.collection_sheet_for(user=request.user, group=group, on=on)
    rows, errors = _form_rows(the_sheet, request.POST if request.method == "POST" else None)
    problems = []
    if request.method == "POST":
        if on > today:
            problems.append(_("The meeting of %(day)s has not taken place yet: enter its "
                              "collections after it.") % {"day": on.strftime("%d/%m/%Y")})  # fmt: skip
        if errors:
            problems.append(_("Some amounts are not valid: correct the marked rows."))
        if not problems:
            try:
                submission = services.collection_submit(
                    actor=request.user, group=group, on=on, lines=_lines(rows), idempotency_key=key
                )
            except CreditError as exc:
                first = selectors.submission_for(group=group, on=on)
                if first is not None:  # another official entered it meanwhile
                    return _already(request, group, first, posted=request.method == "POST")
                problems.append(str(exc))
            else:
                messages.success(request, _("The collections have been posted: %(total)s đ in "
                                            "%(entries)d entries.")
                                 % {"total": exports.money(submission.result["total"]) or "0",
                                    "entries": submission.result["entries"]})  # fmt: skip
                return redirect(_sheet_url(group, on))
    return _page(request, "credit/sheet_collect.html", group, sheet=the_sheet, on=on, rows=rows,
                 key=key, problems=problems, future=on > today)  # fmt: skip
