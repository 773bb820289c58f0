"""Demo study material: the province asks every commune's officials and core members to study
the resolution of the 13th National Women's Congress (term 2022–2027; the 14th is not held
until 2027) with a five-question check, published three weeks before the demo's today and due
in ten days. Each commune has recorded a different share of its core members (some none), and
most of those who studied passed; the demo's officials have not studied it yet, so signing in
as xa_officer shows it under "My studies".

Written through the services (publication resolves the learners with one INSERT … SELECT),
then the completion is set with a few set-based UPDATEs: about a second for 22,000 learners.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.db.models.functions import Mod
from django.utils import timezone

from hoiso.studies import services
from hoiso.studies.models import Learner, Material

TITLE = "Nghị quyết Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII, nhiệm kỳ 2022–2027"
SUMMARY = (
    "Quán triệt Nghị quyết Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII đến cán bộ, hội viên "
    "nòng cốt: mục tiêu, các chỉ tiêu và nhiệm vụ trọng tâm của nhiệm kỳ 2022–2027; liên hệ với "
    "nhiệm vụ của cơ sở Hội trong chuyển đổi số và xây dựng tổ chức Hội vững mạnh."
)
BODY = (
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "Giúp cán bộ, hội viên nắm vững nội dung cơ bản của Nghị quyết; tạo sự thống nhất trong "
    "nhận thức và hành động; cụ thể hóa thành chương trình, kế hoạch của từng cơ sở Hội.\n\n"
    "II. NỘI DUNG CHÍNH\n"
    "1. Tuyên truyền, giáo dục, vận động phụ nữ rèn luyện phẩm chất đạo đức, nâng cao năng lực.\n"
    "2. Hỗ trợ phụ nữ phát triển kinh tế, khởi nghiệp, tham gia chuyển đổi số.\n"
    "3. Tham gia xây dựng gia đình hạnh phúc, bền vững.\n"
    "4. Xây dựng tổ chức Hội vững mạnh; đổi mới nội dung, phương thức hoạt động.\n\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "Các cơ sở Hội tổ chức học tập tại chi hội, tổ phụ nữ; ghi nhận kết quả học tập của hội viên "
    "trên HộiSố trước thời hạn."
)
QUESTIONS = [
    ("Nhiệm kỳ của Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII là:", "single",
     [("2017–2022", False), ("2022–2027", True), ("2021–2026", False), ("2025–2030", False)]),
    ("Hội Liên hiệp Phụ nữ Việt Nam được thành lập ngày:", "single",
     [("08/3/1910", False), ("20/10/1930", True), ("03/02/1930", False), ("19/5/1941", False)]),
    ("Hội viên Hội LHPN Việt Nam là phụ nữ Việt Nam từ bao nhiêu tuổi trở lên?", "single",
     [("16 tuổi", False), ("18 tuổi", True), ("20 tuổi", False)]),
    ("Những việc nào giúp hội viên tham gia chuyển đổi số?", "multiple",
     [("Kích hoạt tài khoản định danh điện tử VNeID", True),
      ("Thanh toán không dùng tiền mặt", True),
      ("Chia sẻ mật khẩu tài khoản cho người lạ", False)]),
    ("Sau khi học tập Nghị quyết, cơ sở Hội cần:", "single",
     [("Lưu văn bản, không cần làm gì thêm", False),
      ("Cụ thể hóa thành chương trình, kế hoạch hành động", True)]),
]  # fmt: skip
DEADLINE_IN, PUBLISHED_AGO = 10, 21


def build(ctx) -> None:
    province = ctx.refs["province"]
    admin = ctx.refs["users"]["tinh_admin"]
    material = services.material_create(actor=admin, unit=province, data={
        "title": TITLE, "summary": SUMMARY, "body": BODY,
        "deadline": ctx.today + datetime.timedelta(days=DEADLINE_IN),
        "recipients_mode": "level", "recipients_kind": "commune", "for_officials": True,
        "members": "core", "pass_mark": 80, "max_attempts": 3, "late_policy": "allow",
    })  # fmt: skip
    for text, kind, options in QUESTIONS:
        services.question_add(actor=admin, material=material, text=text, kind=kind,
                              options=options)  # fmt: skip
    material = services.material_publish(actor=admin, material=material)
    now = timezone.now()
    Material.objects.filter(pk=material.pk).update(
        published_at=now - datetime.timedelta(days=PUBLISHED_AGO)
    )
    recorder = ctx.refs["users"].get("xa_officer") or admin
    members = Learner.objects.filter(material=material, kind=Learner.Kind.MEMBER)
    studied = 0
    for assignment in material.assignments.select_related("unit"):
        share = ctx.rng.choice([0, 15, 35, 50, 60, 75, 85, 95])  # % of the commune's members
        rows = members.filter(unit_path__startswith=assignment.unit_path).alias(
            bucket=Mod(F("id") * 37, 100)).filter(bucket__lt=share)  # fmt: skip
        when = now - datetime.timedelta(days=ctx.rng.randint(1, PUBLISHED_AGO - 1))
        studied += rows.update(studied_at=when, opened_at=when, recorded_by=recorder,
                               recorded_at=when)  # fmt: skip
    _scores(material)
    total = Learner.objects.filter(material=material).count()
    ctx.refs["study"] = material
    ctx.log(f"studies: “{TITLE[:40]}…” for {material.assignments.count()} communes, "
            f"{total:,} learners, {studied:,} members' study recorded")  # fmt: skip


def _scores(material: Material) -> None:
    """Most of those who studied passed (90%); one in seven scored 60% and did not."""
    done = Learner.objects.filter(material=material, studied_at__isnull=False)
    failed = Q(pk__in=done.alias(b=Mod("id", 7)).filter(b=0).values("pk"))
    done.exclude(failed).update(best_score=80, passed=True, passed_at=F("studied_at"))
    done.filter(failed).update(best_score=60)
