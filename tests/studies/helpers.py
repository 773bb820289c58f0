"""Study materials as the tests need them, the people of the hand-computed roll-up, and the
snapshot of the studies tables (for the authorisation matrix)."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "Nghị quyết Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII"
QUESTIONS = [
    ("Nhiệm kỳ của Đại hội XIII là:", "single", [("2017–2022", False), ("2022–2027", True)]),
    ("Ngày thành lập Hội LHPN Việt Nam:", "single", [("20/10/1930", True), ("08/3/1910", False)]),
    ("Những việc nào là chuyển đổi số?", "multiple",
     [("Kích hoạt VNeID", True), ("Thanh toán không tiền mặt", True), ("Đọc báo giấy", False)]),
    ("Sau khi học tập Nghị quyết cần:", "single",
     [("Xây dựng kế hoạch hành động", True), ("Không làm gì", False)]),
    ("Hội viên là phụ nữ từ bao nhiêu tuổi?", "single", [("16", False), ("18", True)]),
]  # fmt: skip


def pdf(name="nghi-quyet.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def data(**extra) -> dict:
    base = {"title": TITLE, "summary": "Tóm tắt nội dung", "body": "Nội dung Nghị quyết.",
            "deadline": datetime.date.today() + datetime.timedelta(days=10),
            "recipients_mode": "level", "recipients_kind": "commune", "for_officials": True,
            "official_roles": [], "members": "all", "pass_mark": 80, "max_attempts": 3,
            "late_policy": "allow"}  # fmt: skip
    base.update(extra)
    return base


def make_material(actor, unit, *, questions=QUESTIONS, publish=True, upload=None, **extra):
    from hoiso.studies import services

    material = services.material_create(actor=actor, unit=unit, data=data(**extra),
                                        upload=upload)  # fmt: skip
    for text, kind, options in questions:
        services.question_add(actor=actor, material=material, text=text, kind=kind,
                              options=options)  # fmt: skip
    if publish:
        material = services.material_publish(actor=actor, material=material)
    return material


def right_answers(material) -> dict[str, list[str]]:
    """The POSTed shape of a check with every answer right."""
    return {str(q.pk): [str(o.pk) for o in q.options.all() if o.is_correct]
            for q in material.questions.all()}  # fmt: skip


def wrong_answers(material, wrong: int = 1) -> dict[str, list[str]]:
    """`wrong` questions answered wrong, the others right."""
    answers = right_answers(material)
    for question in list(material.questions.all())[:wrong]:
        answers[str(question.pk)] = [str(o.pk) for o in question.options.all()
                                     if not o.is_correct][:1]  # fmt: skip
    return answers


def key() -> str:
    return str(uuid.uuid4())


def admit(actor, unit, name, **extra):
    from hoiso.members.services import member_admit

    return member_admit(actor=actor, unit=unit, data={
        "full_name": name, "date_of_birth": datetime.date(1985, 3, 8), **extra})  # fmt: skip


def studies_snapshot() -> dict[str, list]:
    from hoiso.studies.models import Assignment, Attempt, Learner, Material, Option, Question

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "study_materials": rows(Material, "unit_id", "status", "title", "deadline", "file_name"),
        "study_questions": rows(Question, "material_id", "text"),
        "study_options": rows(Option, "question_id", "text", "is_correct"),
        "study_assignments": rows(Assignment, "material_id", "unit_id", "learners_count"),
        "study_learners": rows(
            Learner,
            "material_id",
            "user_id",
            "member_id",
            "studied_at",
            "best_score",
            "passed",
            "attempts",
        ),  # fmt: skip
        "study_attempts": rows(Attempt, "learner_id", "score"),
    }


def with_studies(snapshot):
    return lambda: {**snapshot(), **studies_snapshot()}
