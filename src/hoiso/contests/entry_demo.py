"""Demo entry contest, from the seeds: the province's contest “Ứng dụng công nghệ thông tin
trong tổ chức sinh hoạt hội” — 64 entries from 11 communes (the home commune among them),
judged by a preliminary jury at the province (three judges with the `judge` role there,
plus the home commune's officer, who is never given her own commune's entries), results
published and the best 3 forwarded upward (the demo province has no unit above it: the
package is kept for sending to the central level).

Entries are submitted through the service (a few with a Word file, blinded as any other);
the judges' scores are written in bulk with the totals computed by contests.jury (the
services' rule), a few entries with judges far apart. About a second.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoiso.accounts.models import Role, User
from hoiso.accounts.roles import RoleKind
from hoiso.contests import entries, judging, jury
from hoiso.contests.models import Assignment, EntryContest, Score
from hoiso.demo.context import DEMO_PASSWORD
from hoiso.demo.names import woman_name

TITLE = "Cuộc thi “Ứng dụng công nghệ thông tin trong tổ chức sinh hoạt hội”"
RULES = (
    "Đối tượng: cán bộ, hội viên phụ nữ các xã, phường, đặc khu trong thành phố.\n"
    "Mỗi đơn vị cơ sở gửi tối đa 8 bài dự thi: bài viết mô tả cách ứng dụng CNTT trong sinh hoạt "
    "chi hội, tổ phụ nữ (Zalo, Facebook, biểu mẫu trực tuyến, bản đồ số…), kèm tệp Word/PDF, hình "
    "ảnh hoặc đường dẫn video.\n"
    "Bài dự thi không ghi tên tác giả, tên đơn vị trong nội dung: Ban giám khảo chấm kín.\n"
    "Ban giám khảo sơ khảo cấp thành phố chọn 3 bài xuất sắc nhất gửi Trung ương Hội."
)
CATEGORIES = [
    "Sinh hoạt chi hội trực tuyến",
    "Truyền thông trên mạng xã hội",
    "Quản lý hội viên bằng phần mềm",
]
RUBRIC = [("Tính sáng tạo, mới", 3, 10), ("Hiệu quả, khả năng nhân rộng", 4, 10),
          ("Mức độ ứng dụng công nghệ", 2, 10), ("Hình thức trình bày", 1, 5)]  # fmt: skip
TOPICS = ["Nhóm Zalo chi hội", "Sinh hoạt chi hội qua Google Meet", "Sổ tay hội viên điện tử",
          "Bản đồ số hộ hội viên khó khăn", "Livestream giới thiệu sản phẩm của hội viên",
          "Biểu mẫu trực tuyến thu hội phí", "Trang Facebook “Phụ nữ khóm”", "Mã QR tra cứu thông tin hội",
          "Video ngắn tuyên truyền phòng chống lừa đảo", "Ứng dụng VNeID trong sinh hoạt tổ",
          "Bảng tin điện tử chi hội", "Khảo sát ý kiến hội viên qua điện thoại"]  # fmt: skip
JUDGES = [("giam_khao_1", "Trần Thị Thu Trang"), ("giam_khao_2", "Lê Thị Ngọc Hân"),
          ("giam_khao_3", "Huỳnh Thị Kim Loan")]  # fmt: skip


def build(ctx) -> None:
    rng: random.Random = ctx.rng
    province, admin = ctx.refs["province"], ctx.refs["users"]["tinh_admin"]
    home, officer = ctx.refs["home_commune"], ctx.refs["users"]["xa_officer"]
    contest = entries.call_create(actor=admin, unit=province, data={
        "title": TITLE, "rules": RULES, "deadline": timezone.now() + datetime.timedelta(days=1),
        "categories": CATEGORIES, "judges_per_entry": 3, "disagreement": 20, "forward_count": 3,
        "prize_first": 1, "prize_second": 2, "prize_third": 3, "prize_consolation": 5})  # fmt: skip
    for name, weight, top in RUBRIC:
        entries.criterion_add(actor=admin, contest=contest, name=name, weight=weight, max_score=top)
    entries.call_open(actor=admin, contest=contest)
    others = [c for c in ctx.refs["communes"] if c != home]
    communes = [home] + rng.sample(others, min(10, len(others)))
    made = _entries(rng, contest, communes, admin, officer, home)
    jury_users = _judge_accounts(ctx, province) + [officer]
    for user in jury_users:
        judging.judge_add(actor=admin, contest=contest, user=user)
    judging.judging_start(actor=admin, contest=contest)
    judging.assign_automatically(actor=admin, contest=contest)
    disagreements = _scores(rng, contest, {e.pk: q for e, q in made})
    judging.results_publish(actor=admin, contest=contest)
    record = judging.forward(actor=admin, contest=contest)
    EntryContest.objects.filter(pk=contest.pk).update(
        deadline=timezone.now() - datetime.timedelta(days=20)
    )
    ctx.refs["entry_contest"] = contest
    ctx.log(f"contests: “Ứng dụng CNTT…” with {len(made)} entries from {len(communes)} communes, "
            f"{len(jury_users)} judges, {Assignment.objects.filter(entry__contest=contest).count()} scorings "
            f"({disagreements} wide disagreements), results published, top {record.entries.count()} forwarded")  # fmt: skip


def _entries(rng, contest, communes, admin, officer, home) -> list:
    """64 entries: 8 from the home commune (by its officer), 4–7 from each of the others."""
    counts = [8] + [5] * (len(communes) - 1)
    for _n in range(6 if len(communes) == 11 else 0):  # 8 + 50 + 6 = 64, spread unevenly
        counts[rng.randrange(1, len(communes))] += 1
    categories = list(contest.categories.all())
    made = []
    for commune, count in zip(communes, counts, strict=True):
        for n in range(count):
            topic = rng.choice(TOPICS)
            quality = rng.uniform(0.45, 0.95)
            files = (
                [SimpleUploadedFile("bai-du-thi.docx", _docx(topic))] if len(made) % 6 == 0 else []
            )
            entry = entries.entry_submit(actor=officer if commune == home else admin, contest=contest, unit=commune,
                                         data={"title": f"{topic} ({n + 1})", "entrant": woman_name(rng),
                                               "text": _text(topic), "category": rng.choice(categories),
                                               "video_url": "https://www.youtube.com/watch?v=demo" if n % 4 == 0 else ""},
                                         uploads=files)  # fmt: skip
            made.append((entry, quality))
    return made


def _text(topic: str) -> str:
    return (
        f"{topic}: mô hình được chi hội triển khai từ năm 2024. Hằng tháng, chi hội thông báo lịch "
        "sinh hoạt, chia sẻ tài liệu và ghi nhận ý kiến hội viên trên nền tảng số; hội viên lớn tuổi "
        "được các chị trẻ hướng dẫn cài đặt. Kết quả: tỷ lệ hội viên tham gia sinh hoạt tăng, thông tin "
        "đến hội viên nhanh hơn, tiết kiệm chi phí in ấn."
    )


def _docx(topic: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(topic, 1)
    document.add_paragraph(_text(topic))
    document.core_properties.author = "Người dự thi"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _judge_accounts(ctx, province) -> list:
    """Three judges of the preliminary jury, with the `judge` role at the province."""
    password = make_password(DEMO_PASSWORD)
    users = []
    for username, full_name in JUDGES:
        user = User.objects.create(username=username, full_name=full_name, email=ctx.email(username),
                                   password=password)  # fmt: skip
        Role.objects.create(user=user, unit=province, role=RoleKind.JUDGE)
        ctx.refs["users"][username] = user
        users.append(user)
    return users


def _scores(rng, contest, quality: dict[int, float]) -> int:
    """Each judge scores around the entry's quality; now and then one judge is far off."""
    criteria = list(contest.criteria.all())
    rubric = [(c.pk, c.weight, c.max_score) for c in criteria]
    assignments = list(Assignment.objects.filter(entry__contest=contest))
    scores, wide = [], set()
    now = timezone.now()
    for a in assignments:
        level = quality[a.entry_id] + rng.uniform(-0.08, 0.08)
        if rng.random() < 0.06:  # this judge sees far less in it than the others
            level = max(0.2, level - 0.35)
            wide.add(a.entry_id)
        values = {c.pk: Decimal(max(0, min(c.max_score, round(c.max_score * (level + rng.uniform(-0.1, 0.1)) * 2) / 2)))
                  .quantize(Decimal("0.1")) for c in criteria}  # fmt: skip
        scores += [Score(assignment=a, criterion_id=c, value=v) for c, v in values.items()]
        a.total, a.scored_at = jury.judge_total(values, rubric), now
    Score.objects.bulk_create(scores)
    Assignment.objects.bulk_update(assignments, ["total", "scored_at"])
    return len(wide)
