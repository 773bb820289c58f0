"""Demo quiz contest: the province's public contest “Tìm hiểu 95 năm Hội LHPN Việt Nam”, with
weekly rounds (10:00 Monday to 09:00 the next Monday): last week's round closed, ranked and
its winners published; this week's open with a few dozen attempts; next week's to come.

Participants are members of the demo province (found by their phone, as members.quiz does)
and people of its communes; a few attempts are made to show on the review list (one address
with many people, one phone with two names, impossibly fast). The demo's `member` account
gets the phone of a member of the home branch, so she can take part as a member. A few
hundred rows written in bulk: well under a second.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from hoiso.contests import services
from hoiso.contests.models import Attempt, Contest, Option, Participant, Question, Round
from hoiso.contests.services import QuestionData
from hoiso.demo.names import phone_number, woman_name
from hoiso.members.models import Member
from hoiso.org.models import AdministrativeArea

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = (
    "Cuộc thi trực tuyến “Tìm hiểu 95 năm Hội Liên hiệp Phụ nữ Việt Nam” (20/10/1930 – 20/10/2025)"
)
RULES = (
    "Đối tượng dự thi: mọi công dân Việt Nam đang sinh sống, học tập và làm việc trên địa bàn thành phố.\n"
    "Mỗi tuần thi gồm 10 câu hỏi trắc nghiệm chọn ngẫu nhiên và 1 câu hỏi dự đoán số người trả lời "
    "đúng tất cả các câu hỏi; thời gian làm bài 15 phút; mỗi người được dự thi tối đa 2 lần mỗi tuần, "
    "lấy kết quả cao nhất.\n"
    "Xếp giải: nhiều câu trả lời đúng hơn; bằng nhau thì dự đoán gần đúng hơn; bằng nhau nữa thì thời "
    "gian làm bài ngắn hơn; cuối cùng là nộp bài sớm hơn.\n"
    "Mỗi tuần: 1 giải Nhất, 2 giải Nhì, 3 giải Ba, 5 giải Khuyến khích."
)

# (topic, difficulty, question, options, right option indexes)
QUESTIONS = [
    ("Lịch sử Hội", 1, "Hội Liên hiệp Phụ nữ Việt Nam được thành lập vào ngày, tháng, năm nào?",
     ["20/10/1930", "8/3/1910", "19/5/1930", "3/2/1930"], [0]),
    ("Lịch sử Hội", 2, "Tên gọi đầu tiên của Hội Liên hiệp Phụ nữ Việt Nam là gì?",
     ["Hội Phụ nữ chống đế quốc", "Hội Phụ nữ cứu quốc", "Hội Phụ nữ dân chủ", "Hội Phụ nữ giải phóng"], [0]),
    ("Lịch sử Hội", 2, "Ngày Phụ nữ Việt Nam là ngày nào?", ["20/10", "8/3", "1/6", "28/6"], [0]),
    ("Lịch sử Hội", 1, "Ngày Quốc tế Phụ nữ là ngày nào?", ["8/3", "20/10", "1/5", "2/9"], [0]),
    ("Lịch sử Hội", 3, "Tám chữ vàng Bác Hồ tặng phụ nữ Việt Nam là gì?",
     ["Anh hùng, bất khuất, trung hậu, đảm đang", "Tự tin, tự trọng, trung hậu, đảm đang",
      "Đoàn kết, sáng tạo, trung hậu, đảm đang", "Anh hùng, sáng tạo, nhân hậu, đảm đang"], [0]),
    ("Lịch sử Hội", 2, "Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII được tổ chức vào năm nào?",
     ["2022", "2017", "2012", "2025"], [0]),
    ("Điều lệ Hội", 1, "Hội viên Hội LHPN Việt Nam là phụ nữ Việt Nam từ bao nhiêu tuổi trở lên?",
     ["18 tuổi", "16 tuổi", "20 tuổi", "15 tuổi"], [0]),
    ("Điều lệ Hội", 2, "Hệ thống tổ chức của Hội hiện nay gồm những cấp nào?",
     ["Trung ương", "Tỉnh, thành phố", "Xã, phường, đặc khu (cơ sở)", "Huyện, quận"], [0, 1, 2]),
    ("Điều lệ Hội", 2, "Chi hội phụ nữ được tổ chức ở đâu?",
     ["Ở thôn, ấp, khu vực, tổ dân phố", "Chỉ ở cơ quan nhà nước", "Chỉ ở trường học", "Ở cấp tỉnh"], [0]),
    ("Điều lệ Hội", 3, "Nhiệm kỳ Đại hội phụ nữ các cấp là bao nhiêu năm?",
     ["5 năm", "3 năm", "4 năm", "2,5 năm"], [0]),
    ("Phong trào", 1, "Phong trào thi đua do Hội phát động giai đoạn hiện nay là gì?",
     ["Phụ nữ tích cực học tập, lao động sáng tạo, xây dựng gia đình hạnh phúc",
      "Ba đảm đang", "Phụ nữ ba giỏi", "Người tốt việc tốt"], [0]),
    ("Phong trào", 2, "Cuộc vận động do Hội triển khai gồm những nội dung nào?",
     ["Xây dựng gia đình 5 không, 3 sạch", "Mỗi phụ nữ một việc làm tốt", "Ba đảm đang thời chiến",
      "Tháng ăn chay"], [0]),
    ("Phong trào", 2, "“5 không” trong cuộc vận động “Xây dựng gia đình 5 không, 3 sạch” gồm?",
     ["Không đói nghèo", "Không vi phạm pháp luật và tệ nạn xã hội", "Không có bạo lực gia đình",
      "Không có người ăn xin"], [0, 1, 2]),
    ("Phong trào", 1, "“3 sạch” là gì?", ["Sạch nhà, sạch bếp, sạch ngõ", "Sạch đường, sạch chợ, sạch sông",
                                          "Sạch quần áo, sạch giày, sạch mũ", "Sạch nước, sạch khí, sạch đất"], [0]),
    ("Chuyển đổi số", 1, "Ứng dụng định danh điện tử quốc gia có tên là gì?",
     ["VNeID", "Zalo", "VssID", "eTax"], [0]),
    ("Chuyển đổi số", 2, "Đề án 06 của Chính phủ là đề án về nội dung gì?",
     ["Phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử",
      "Phát triển nông thôn mới", "Giảm nghèo bền vững", "Bình đẳng giới"], [0]),
    ("Chuyển đổi số", 2, "Tài khoản định danh điện tử mức 2 cho phép những gì?",
     ["Thay thẻ căn cước khi làm thủ tục", "Tích hợp giấy phép lái xe, bảo hiểm y tế",
      "Rút tiền mặt tại cây ATM", "Bầu cử trực tuyến"], [0, 1]),
    ("Chuyển đổi số", 3, "Khi nhận được tin nhắn lạ yêu cầu cung cấp mã OTP, chị em nên làm gì?",
     ["Không cung cấp mã OTP cho bất kỳ ai", "Cung cấp ngay để nhận quà",
      "Chuyển tiếp cho người thân", "Gọi lại số lạ để hỏi"], [0]),
    ("Chuyển đổi số", 2, "Chủ đề năm 2023 của Hội LHPN Việt Nam là gì?",
     ["Tăng cường ứng dụng công nghệ thông tin trong hoạt động Hội",
      "Năm an toàn giao thông", "Năm dân vận chính quyền", "Năm văn hóa đọc"], [0]),
    ("Pháp luật", 2, "Luật Bình đẳng giới được Quốc hội thông qua năm nào?", ["2006", "2010", "2000", "2015"], [0]),
    ("Pháp luật", 3, "Luật Phòng, chống bạo lực gia đình (sửa đổi) có hiệu lực từ ngày nào?",
     ["1/7/2023", "1/1/2023", "1/7/2022", "1/1/2024"], [0]),
    ("Pháp luật", 2, "Tháng hành động vì bình đẳng giới và phòng, chống bạo lực trên cơ sở giới diễn ra vào?",
     ["15/11 – 15/12", "1/6 – 30/6", "1/3 – 31/3", "1/10 – 31/10"], [0]),
    ("Pháp luật", 1, "Đường dây nóng Tổng đài quốc gia bảo vệ trẻ em là số nào?", ["111", "113", "114", "115"], [0]),
    ("Pháp luật", 3, "Luật Bảo vệ dữ liệu cá nhân có hiệu lực từ ngày nào?",
     ["1/1/2026", "1/7/2025", "1/1/2025", "1/7/2026"], [0]),
]  # fmt: skip


def _rounds_window(now: datetime.datetime) -> datetime.date:
    """The Monday of the week whose round (10:00 Monday – 09:00 next Monday) is open now."""
    local = now.astimezone(VN)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    if local < datetime.datetime.combine(monday, datetime.time(10), tzinfo=VN):
        monday -= datetime.timedelta(days=7)
    return monday


def build(ctx) -> None:
    province = ctx.refs["province"]
    admin = ctx.refs["users"]["tinh_admin"]
    contest = services.contest_create(actor=admin, unit=province, data={
        "title": TITLE, "rules": RULES, "audience": Contest.Audience.PUBLIC, "time_limit_minutes": 15,
        "questions_per_attempt": 10, "attempts_per_round": 2, "prize_first": 1, "prize_second": 2,
        "prize_third": 3, "prize_consolation": 5})  # fmt: skip
    services.questions_import(actor=admin, contest=contest, rows=[
        QuestionData(text, "single" if len(right) == 1 else "multiple", topic, level,
                     [(o, n in right) for n, o in enumerate(options)])
        for topic, level, text, options, right in QUESTIONS])  # fmt: skip
    now = timezone.now()
    monday = _rounds_window(now)
    rounds = services.rounds_generate_weekly(actor=admin, contest=contest,
                                             first_day=monday - datetime.timedelta(days=7), count=3)  # fmt: skip
    services.contest_publish(actor=admin, contest=contest)
    people = _people(ctx, contest, province)
    closed, open_ = rounds[0], rounds[1]
    made = _attempts(ctx, contest, closed, people, now)
    made += _attempts(ctx, contest, open_, people[: len(people) // 4], now)
    actual, ranked = services.round_rank(actor=admin, round_=closed)
    services.round_publish_winners(actor=admin, round_=closed)
    _link_member_account(ctx)
    ctx.refs["contest"] = contest
    ctx.log(f"contests: “95 năm Hội” with {len(QUESTIONS)} questions, {len(people)} participants, "
            f"{made} attempts; round 1 ranked ({ranked} people, {actual} all right), round 2 open")  # fmt: skip


def _people(ctx, contest: Contest, province) -> list[Participant]:
    """About 150 members with a phone and 250 people of the province's communes."""
    rng: random.Random = ctx.rng
    members = list(Member.objects.active().exclude(phone="").filter(unit_path__startswith=province.path)
                   .order_by("pk").values_list("pk", "full_name", "date_of_birth", "phone", "unit_id", "unit_path",
                                               "address_area_id")[:3000])  # fmt: skip
    chosen = rng.sample(members, min(150, len(members)))
    communes = list(
        AdministrativeArea.objects.filter(province=province.area_id).values_list("pk", flat=True)
    )
    rows = [Participant(contest=contest, kind=Participant.Kind.MEMBER, member_id=pk, full_name=name,
                        date_of_birth=dob, phone=phone, unit_id=unit_id, unit_path=path, area_id=area)
            for pk, name, dob, phone, unit_id, path, area in chosen]  # fmt: skip
    crowded_ip = "14.161.20.5"
    for n in range(250):
        name = woman_name(rng)
        dob = datetime.date(rng.randint(1960, 2008), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(Participant(contest=contest, kind=Participant.Kind.PUBLIC, full_name=name, date_of_birth=dob,
                                phone=phone_number(rng), area_id=rng.choice(communes) if communes else None,
                                ip=crowded_ip if n < 7 else f"113.{rng.randint(160, 190)}.{rng.randint(0, 255)}.{n % 250 + 1}"))  # fmt: skip
    rows[-1].phone = rows[-2].phone  # one phone, two names: on the review list
    for row in rows:
        row.name_folded = _fold(row.full_name)
        row.unit_path = row.unit_path or ""
    return Participant.objects.bulk_create(rows)


def _fold(name: str) -> str:
    from hoiso.core.text import fold

    return fold(name)


def _attempts(ctx, contest: Contest, round_: Round, people: list[Participant], now) -> int:
    """One or two submitted attempts per person inside the round's window (before now)."""
    rng: random.Random = ctx.rng
    questions = list(Question.objects.filter(contest=contest).values_list("pk", flat=True))
    options: dict[int, list[int]] = {}
    right: dict[int, set[int]] = {}
    for qid, oid, correct in Option.objects.filter(question__contest=contest).values_list("question_id", "pk",
                                                                                          "is_correct"):  # fmt: skip
        options.setdefault(qid, []).append(oid)
        if correct:
            right.setdefault(qid, set()).add(oid)
    latest = min(now, round_.ends_at) - datetime.timedelta(minutes=20)
    span = max(60, int((latest - round_.starts_at).total_seconds()))
    rows = []
    for person in people:
        skill = rng.uniform(0.55, 0.97)
        for _n in range(1 if rng.random() < 0.7 else 2):
            drawn = rng.sample(questions, contest.questions_per_attempt)
            layout, answers, correct = [], {}, 0
            for qid in drawn:
                shown = list(options[qid])
                rng.shuffle(shown)
                layout.append([qid, shown])
                if rng.random() < skill:
                    pick = sorted(right[qid])
                else:
                    pick = [rng.choice([o for o in shown if o not in right[qid]] or shown)]
                answers[str(qid)] = pick
                correct += set(pick) == right[qid]
            started = round_.starts_at + datetime.timedelta(seconds=rng.randint(0, span))
            fast = person.ip == "14.161.20.5" and rng.random() < 0.5
            seconds = rng.randint(6, 14) if fast else rng.randint(90, 840)
            rows.append(Attempt(round=round_, participant=person, status=Attempt.Status.SUBMITTED,
                                started_at=started, deadline=started + datetime.timedelta(minutes=15),
                                submitted_at=started + datetime.timedelta(seconds=seconds), layout=layout,
                                answers=answers, question_count=len(drawn), correct=correct,
                                prediction=rng.randint(5, 80), duration_ms=seconds * 1000 + rng.randint(0, 999),
                                ip=person.ip or f"171.{rng.randint(224, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"))  # fmt: skip
    Attempt.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _link_member_account(ctx) -> None:
    """Give the demo's `member` account the phone of one member of the home branch whose
    phone no other current member has (the account ↔ member link, see contests.quiz)."""
    user = ctx.refs["users"].get("member")
    branch = ctx.refs.get("home_branch")
    if user is None or branch is None:
        return
    for member in (
        Member.objects.active()
        .filter(unit_path__startswith=branch.path)
        .exclude(phone="")
        .order_by("pk")
    ):
        if Member.objects.active().filter(phone=member.phone).count() == 1:
            user.phone = member.phone
            user.full_name = member.full_name
            user.save(update_fields=["phone", "full_name", "name_folded"])
            return
