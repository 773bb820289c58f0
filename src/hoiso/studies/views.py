"""Study pages: the materials (list, draft, edit, the check's questions, publish, close), a
material's progress by unit (drill down the tree), "my studies", the study page (material,
confirmation, check) and the officials' recording of their members' study. Everything is
fetched through the scoped selectors (404 outside the scope) and written by the services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.viewkit import submit
from hoiso.studies import forms, selectors, services
from hoiso.studies.models import Material, MemberAudience, Recipients

PAGE = 30
RECORD_PAGE = 100


def _current(request, action: str = Action.VIEW):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, action, unit.path):
        raise Http404
    return unit


def _can_manage(user, material: Material) -> bool:
    return user_can(user, Action.MANAGE_STUDIES, material.unit_path)


@login_required
@require_GET
def material_list(request):
    unit = request.get_current_unit()
    status = request.GET.get("status", "")
    if status not in Material.Status.values:
        status = ""
    rows = selectors.material_list(user=request.user, status=status)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    figures = selectors.scope_completion(user=request.user, materials=list(page.object_list))
    return render(request, "studies/list.html", {
        "page": page, "status": status, "statuses": Material.Status.choices,
        "rows": [(m, figures.get(m.pk)) for m in page.object_list],
        "can_create": unit is not None and user_can(request.user, Action.MANAGE_STUDIES,
                                                    unit.path),
        "mine": selectors.my_studies(user=request.user).filter(studied_at__isnull=True).count(),
    })  # fmt: skip


def _material_form(request, unit, material=None):
    initial = {"recipients_mode": Recipients.LEVEL, "for_officials": True,
               "members": MemberAudience.NONE, "pass_mark": 80, "max_attempts": 3,
               "late_policy": "allow"}  # fmt: skip
    if material is not None:
        initial = {name: getattr(material, name) for name in (
            "title", "summary", "body", "deadline", "recipients_mode", "recipients_kind",
            "for_officials", "official_roles", "members", "pass_mark", "max_attempts",
            "late_policy")} | {"recipient_units": list(material.recipient_units.all())}  # fmt: skip
    return forms.MaterialForm(
        request.POST or None, request.FILES or None, initial=initial,
        levels=selectors.level_choices(unit), units=selectors.units_below(unit),
        base_depth=unit.depth + 1, editing=material is not None,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def material_create(request):
    unit = _current(request, Action.MANAGE_STUDIES)
    form = _material_form(request, unit)
    material = submit(
        request, form,
        lambda data: services.material_create(actor=request.user, unit=unit, data=data,
                                              upload=data.get("file")),
        _("The draft has been saved. Add the questions of the check, then publish it."),
    )  # fmt: skip
    if material:
        return redirect("studies:detail", pk=material.pk)
    return render(request, "studies/form.html",
                  {"form": form, "unit": unit, "title": _("New study material")})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def material_edit(request, pk):
    material = selectors.material_get(user=request.user, pk=pk, action=Action.MANAGE_STUDIES)
    if not material.is_draft:
        messages.error(request, _("A published material can no longer be changed."))
        return redirect("studies:detail", pk=material.pk)
    form = _material_form(request, material.unit, material)
    if submit(
        request, form,
        lambda data: services.material_update(actor=request.user, material=material, data=data,
                                              upload=data.get("file"),
                                              remove_file=data.get("remove_file", False)),
        _("The draft has been saved."),
    ):  # fmt: skip
        return redirect("studies:detail", pk=material.pk)
    return render(request, "studies/form.html", {
        "form": form, "unit": material.unit, "material": material,
        "title": _("Edit the draft"),
    })  # fmt: skip


def _question_form_page(request, material, question_form):
    return _detail(request, material, question_form=question_form)


@login_required
@require_POST
def question_add(request, pk):
    material = selectors.material_get(user=request.user, pk=pk, action=Action.MANAGE_STUDIES)
    form = forms.QuestionForm(request.POST)
    if submit(
        request, form,
        lambda data: services.question_add(actor=request.user, material=material,
                                           text=data["text"], kind=data["kind"],
                                           options=form.options()),
        _("The question has been added."),
    ):  # fmt: skip
        return redirect(reverse("studies:detail", args=[material.pk]) + "#check")
    return _question_form_page(request, material, form)


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    material = selectors.material_get(user=request.user, pk=pk, action=Action.MANAGE_STUDIES)
    try:
        services.question_delete(actor=request.user, material=material, question_id=question_pk)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The question has been removed."))
    return redirect(reverse("studies:detail", args=[material.pk]) + "#check")


def _act(request, pk, service, done: str):
    material = selectors.material_get(user=request.user, pk=pk, action=Action.MANAGE_STUDIES)
    try:
        service(actor=request.user, material=material)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("studies:detail", pk=material.pk)


@login_required
@require_POST
def material_publish(request, pk):
    return _act(request, pk, services.material_publish,
                _("The material has been published; the people who must study it are told."))  # fmt: skip


@login_required
@require_POST
def material_close(request, pk):
    return _act(request, pk, services.material_close, _("The material has been closed."))


@login_required
@require_GET
def material_detail(request, pk):
    material = selectors.material_get(user=request.user, pk=pk)
    return _detail(request, material)


def _detail(request, material, question_form=None):
    can_manage = _can_manage(request.user, material)
    if request.GET.get("unit"):
        parent = selectors.drill_unit(user=request.user, material=material,
                                      pk=request.GET["unit"])  # fmt: skip
    else:
        parent = selectors.default_parent(user=request.user, material=material,
                                          current=request.get_current_unit())  # fmt: skip
    board = None if material.is_draft else selectors.progress_board(material=material,
                                                                    parent=parent)  # fmt: skip
    people = None
    if board is not None and board.own:
        people = Paginator(selectors.people_at(material=material, unit=parent), 50).get_page(
            request.GET.get("page"))  # fmt: skip
    questions = []
    if can_manage:
        questions = list(material.questions.prefetch_related("options"))
    if can_manage and material.is_draft and question_form is None:
        question_form = forms.QuestionForm()
    learner = selectors.my_studies(user=request.user).filter(material=material).first()
    can_record = (not material.is_draft and material.members != MemberAudience.NONE
                  and user_can(request.user, Action.MANAGE_MEMBERS, parent.path))  # fmt: skip
    return render(request, "studies/detail.html", {
        "material": material, "can_manage": can_manage, "board": board, "parent": parent,
        "trail": selectors.trail(user=request.user, material=material, unit=parent),
        "people": people, "questions": questions, "question_form": question_form,
        "learner": learner, "can_record": can_record,
        "recipient_units": material.recipient_units.all() if material.is_draft else (),
    })  # fmt: skip


@login_required
@require_GET
def material_file(request, pk):
    material = selectors.material_get(user=request.user, pk=pk)
    if not material.file:
        raise Http404
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.file_name)


@login_required
@require_GET
def my_studies(request):
    rows = list(selectors.my_studies(user=request.user)[:200])
    return render(request, "studies/mine.html", {"rows": rows})


def _study_page(request, learner, *, chosen=None, key=None, status=200):
    material = learner.material
    questions = []
    can_check = (material.has_check and learner.studied_at is not None and material.is_open
                 and not (material.max_attempts and learner.attempts >= material.max_attempts))  # fmt: skip
    if can_check:
        questions = list(material.questions.prefetch_related("options"))
    return render(request, "studies/study.html", {
        "learner": learner, "material": material, "questions": questions,
        "can_check": can_check, "key": key or uuid.uuid4(), "chosen": chosen or {},
        "last": learner.attempt_set.first() if material.has_check else None,
        "attempts_left": (material.max_attempts - learner.attempts)
        if material.max_attempts else None,
    }, status=status)  # fmt: skip


@login_required
@require_GET
def study(request, pk):
    learner = selectors.learner_for(user=request.user, material_pk=pk)
    services.learner_open(learner=learner)
    return _study_page(request, learner)


@login_required
@require_POST
def study_confirm(request, pk):
    learner = selectors.learner_for(user=request.user, material_pk=pk)
    try:
        services.learner_confirm(actor=request.user, learner=learner)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded: you have studied this material."))
    return redirect(reverse("studies:study", args=[pk]) + "#check")


@login_required
@require_POST
def study_check(request, pk):
    learner = selectors.learner_for(user=request.user, material_pk=pk)
    answers = {key[1:]: request.POST.getlist(key) for key in request.POST
               if key.startswith("q")}  # fmt: skip
    try:
        attempt = services.check_submit(actor=request.user, learner=learner,
                                        key=request.POST.get("key", ""), answers=answers)  # fmt: skip
    except ServiceError as exc:
        messages.error(request, str(exc))
        learner.refresh_from_db()
        chosen = {k: set(v) for k, v in answers.items()}
        return _study_page(request, learner, chosen=chosen, key=request.POST.get("key"),
                           status=200)  # fmt: skip
    if attempt.passed:
        messages.success(request, _("You passed: %(correct)d of %(total)d right (%(score)d%%).")
                         % {"correct": attempt.correct, "total": attempt.total,
                            "score": attempt.score})  # fmt: skip
    else:
        messages.warning(request, _("Not passed: %(correct)d of %(total)d right (%(score)d%%).")
                         % {"correct": attempt.correct, "total": attempt.total,
                            "score": attempt.score})  # fmt: skip
    return redirect(reverse("studies:study", args=[pk]) + "#result")


def _rows_from_post(post) -> list[services.Row]:
    rows = []
    for raw in post.getlist("learner"):
        if not raw.isdigit():
            raise services.StudyError(_("The list sent is not valid."))
        score = (post.get(f"score_{raw}") or "").strip()
        if score and not score.isdigit():
            raise services.StudyError(
                _("Scores are whole numbers from 0 to 100 (“%(value)s” is not).") % {"value": score}
            )
        rows.append(services.Row(learner_id=int(raw), studied=bool(post.get(f"studied_{raw}")),
                                 score=int(score) if score else None))  # fmt: skip
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def record(request, pk):
    material = selectors.material_get(user=request.user, pk=pk)
    unit = selectors.record_unit(user=request.user, material=material,
                                 pk=request.GET.get("unit"), current=request.get_current_unit())  # fmt: skip
    todo = request.GET.get("todo") == "1"
    if request.method == "POST":
        try:
            changed = services.record_members(actor=request.user, material=material,
                                              rows=_rows_from_post(request.POST))  # fmt: skip
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved: %(n)d member(s) changed.") % {"n": changed})
            return redirect(request.get_full_path())
    rows = selectors.members_to_record(user=request.user, material=material, unit=unit,
                                       todo=todo)  # fmt: skip
    page = Paginator(rows, RECORD_PAGE).get_page(request.GET.get("page"))
    return render(request, "studies/record.html", {
        "material": material, "unit": unit, "page": page, "todo": todo,
        "board": selectors.progress_board(material=material, parent=unit).total,
    })  # fmt: skip
