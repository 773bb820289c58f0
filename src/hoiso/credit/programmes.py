"""The standard programmes: the Union's own fund, the Bank for Social Policies' programmes the
Union runs by entrustment (rates as the Bank quotes them per month), and the two savings
products. Seeded by migration 0002 (and `seed_programmes()`, which tests call after a
transactional test emptied the tables). The commission rates are defaults to be set to the
province's entrustment contract; everything here is editable per programme."""

from __future__ import annotations

from decimal import Decimal

D = Decimal
# code, name, kind, product, %/month, min, max term, max amount, method, grace, day count,
# overpayment, penalty %/month, commission %, savings kind
STANDARD = [
    ("QH", "Quỹ Hội – vốn tự có", "own_fund", "loan", D("0.8"), 3, 36, 30_000_000,
     "declining", 0, "30", "refuse", D("0"), D("0"), ""),
    ("HN", "Cho vay hộ nghèo", "vbsp_poor", "loan", D("0.55"), 6, 120, 100_000_000,
     "declining", 0, "actual", "hold", D("0.715"), D("8"), ""),
    ("CN", "Cho vay hộ cận nghèo", "vbsp_near_poor", "loan", D("0.66"), 6, 120, 100_000_000,
     "declining", 0, "actual", "hold", D("0.858"), D("8"), ""),
    ("MTN", "Cho vay hộ mới thoát nghèo", "vbsp_escaped", "loan", D("0.6875"), 6, 120,
     100_000_000, "declining", 0, "actual", "hold", D("0.89375"), D("8"), ""),
    ("HSSV", "Cho vay học sinh, sinh viên", "vbsp_student", "loan", D("0.55"), 12, 120,
     80_000_000, "declining", 12, "actual", "hold", D("0.715"), D("8"), ""),
    ("NSVS", "Cho vay nước sạch và vệ sinh môi trường nông thôn", "vbsp_water", "loan",
     D("0.75"), 12, 60, 25_000_000, "annuity", 0, "30", "hold", D("0.975"), D("8"), ""),
    ("GQVL", "Cho vay hỗ trợ tạo việc làm", "vbsp_jobs", "loan", D("0.55"), 6, 120,
     100_000_000, "declining", 0, "actual", "hold", D("0.715"), D("8"), ""),
    ("TKBB", "Tiết kiệm bắt buộc của tổ", "savings", "savings", D("0"), 1, 1, 0,
     "declining", 0, "30", "hold", D("0"), D("0"), "compulsory"),
    ("TKTN", "Tiết kiệm tự nguyện", "savings", "savings", D("0"), 1, 1, 0,
     "declining", 0, "30", "hold", D("0"), D("0"), "voluntary"),
]  # fmt: skip
FIELDS = ("code", "name", "kind", "product", "monthly_rate", "min_term_months",
          "max_term_months", "max_amount", "method", "grace_months", "day_count", "overpayment",
          "penalty_rate", "commission_rate", "savings_kind")  # fmt: skip
MIN_DEPOSIT = {"TKBB": 10_000, "TKTN": 5_000}


def seed_programmes(model=None) -> int:
    """Create the standard programmes that are missing (never changes existing ones)."""
    if model is None:
        from hoiso.credit.models import Programme as model
    made = 0
    for values in STANDARD:
        data = dict(zip(FIELDS, values, strict=True))
        data["min_deposit"] = MIN_DEPOSIT.get(data["code"], 5_000)
        _obj, created = model.objects.get_or_create(code=data.pop("code"), defaults=data)
        made += created
    return made
