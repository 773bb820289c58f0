"""The judge's pages: the entries assigned to her, an entry as judges see it (blind: its code,
category, title, text, video link and blind file copies — never the entrant, the unit, the
uploaded file names or who submitted it) with the scoring form, and the blind files.
Everything is reached through her own assignments: any other id is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hoiso.contests import entry_selectors as selectors
from hoiso.contests import judging
from hoiso.contests.models import EntryContest, Score
from hoiso.core.errors import ServiceError

CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}  # fmt: skip


@login_required
@require_GET
def jury_home(request):
    rows = list(selectors.my_assignments(request.user))
    contests: dict[int, dict] = {}
    for a in rows:
        group = contests.setdefault(
            a.judge.contest_id, {"contest": a.judge.contest, "rows": [], "scored": 0}
        )
        group["rows"].append(a)
        group["scored"] += a.scored_at is not None
    return render(request, "contests/jury_home.html", {"groups": list(contests.values())})


def _page(request, assignment, *, error: str = "", posted: dict | None = None):
    contest = assignment.judge.contest
    criteria = list(contest.criteria.all())
    current = dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "value"))
    for c in criteria:
        raw = (posted or {}).get(c.pk)
        c.current = raw if raw is not None else current.get(c.pk, "")
    siblings = list(selectors.my_assignments(request.user).filter(judge__contest=contest))
    index = next((n for n, a in enumerate(siblings) if a.pk == assignment.pk), 0)
    return render(request, "contests/jury_entry.html", {
        "assignment": assignment, "entry": assignment.entry, "contest": contest, "criteria": criteria,
        "files": list(assignment.entry.files.all()), "error": error,
        "open": contest.status == EntryContest.Status.JUDGING,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "position": index + 1, "count": len(siblings)})  # fmt: skip


@login_required
@require_GET
def jury_entry(request, pk):
    return _page(request, selectors.assignment_for_judge(request.user, pk))


@login_required
@require_POST
def jury_score(request, pk):
    assignment = selectors.assignment_for_judge(request.user, pk)
    criteria = assignment.judge.contest.criteria.all()
    values = {c.pk: request.POST.get(f"c{c.pk}", "") for c in criteria}
    try:
        judging.scores_save(actor=request.user, assignment=assignment, values=values)
    except ServiceError as exc:
        return _page(request, assignment, error=str(exc), posted=values)
    messages.success(
        request, _("Your scores for entry %(code)s are saved.") % {"code": assignment.entry.code}
    )
    following = request.POST.get("next")
    if following and following.isdigit():
        return redirect("contests:jury_entry", int(following))
    return redirect("contests:jury_home")


@login_required
@require_GET
def jury_file(request, pk, file_pk):
    """A file of an assigned entry: its blind copy, named by the entry's code."""
    assignment, f = selectors.blind_file_for_judge(request.user, pk, file_pk)
    name = f"{assignment.entry.code}-{f.order + 1}.{f.extension}"
    inline = f.kind in ("pdf", "jpeg", "png")
    return FileResponse(f.blind.open("rb"), as_attachment=not inline, filename=name,
                        content_type=CONTENT_TYPES[f.kind])  # fmt: skip
