"""The standard library of Union indicators: the figures of the Union's periodic reports.

Computed ones name a function of the registry (core.indicators; the member figures live in
hoiso/members/indicators.py); entered ones are typed by the unit. Names are Vietnamese, as the
report forms print them. National administrators edit or deactivate them on the
Indicators page; a re-run adds only the codes that are missing.
"""

from django.db import migrations

MEMBERS = "Hội viên"
DIGITAL = "Chuyển đổi số"
ORGANISATION = "Tổ chức cơ sở Hội"
FAMILY = "Xây dựng gia đình"
ECONOMY = "Phát triển kinh tế, giảm nghèo"
CREDIT = "Tiết kiệm, vay vốn"
OUTREACH = "Tuyên truyền, vận động"
WELFARE = "An sinh xã hội"
TRAINING = "Đào tạo, bồi dưỡng"

# code, name, group, measure, rollup, source ("computed key" or "" for entered), decimals
STANDARD = [
    ("HV_TONG", "Tổng số hội viên (cuối kỳ)", MEMBERS, "people", "sum", "members.total", 0),
    ("HV_MOI", "Số hội viên kết nạp mới trong kỳ", MEMBERS, "people", "sum", "members.joined", 0),
    ("HV_GIAM", "Số hội viên ra hội, từ trần trong kỳ", MEMBERS, "people", "sum", "members.left", 0),
    ("HV_THU_HUT_TL", "Tỷ lệ thu hút phụ nữ từ 18 tuổi trở lên vào Hội", MEMBERS, "percent", "ratio", "members.participation", 2),
    ("HV_NONG_COT", "Số hội viên nòng cốt", MEMBERS, "people", "sum", "members.core", 0),
    ("HV_NONG_COT_TL", "Tỷ lệ hội viên nòng cốt", MEMBERS, "percent", "ratio", "members.core_pct", 1),
    ("HV_DANG_VIEN", "Số hội viên là đảng viên", MEMBERS, "people", "sum", "members.party", 0),
    ("HV_DTTS", "Số hội viên là người dân tộc thiểu số", MEMBERS, "people", "sum", "members.ethnic_minority", 0),
    ("HV_TON_GIAO", "Số hội viên là người có đạo", MEMBERS, "people", "sum", "members.religious", 0),
    ("CDS_VNEID2", "Số hội viên có tài khoản định danh điện tử mức 2 (VNeID)", DIGITAL, "people", "sum", "members.vneid2", 0),
    ("CDS_VNEID2_TL", "Tỷ lệ hội viên có tài khoản định danh điện tử mức 2", DIGITAL, "percent", "ratio", "members.vneid2_pct", 1),
    ("CDS_SMARTPHONE_TL", "Tỷ lệ hội viên sử dụng điện thoại thông minh", DIGITAL, "percent", "ratio", "members.smartphone_pct", 1),
    ("CDS_SAN_SANG", "Chỉ số sẵn sàng chuyển đổi số của hội viên", DIGITAL, "percent", "ratio", "members.digital_readiness", 1),
    ("TC_CHI_HOI", "Số chi hội", ORGANISATION, "count", "sum", "", 0),
    ("TC_TO", "Số tổ phụ nữ", ORGANISATION, "count", "sum", "", 0),
    ("TC_MO_HINH", "Số câu lạc bộ, tổ, nhóm, mô hình của phụ nữ", ORGANISATION, "count", "sum", "", 0),
    ("TC_CHI_HOI_VUNG_MANH_TL", "Tỷ lệ chi hội xếp loại vững mạnh", ORGANISATION, "percent", "ratio", "", 1),
    ("GD_5K3S", "Số hộ gia đình hội viên đạt tiêu chí “5 không, 3 sạch”", FAMILY, "households", "sum", "", 0),
    ("GD_5K3S_TL", "Tỷ lệ hộ gia đình hội viên đạt tiêu chí “5 không, 3 sạch”", FAMILY, "percent", "ratio", "", 1),
    ("GD_HANH_PHUC", "Số hộ gia đình được công nhận gia đình văn hóa, hạnh phúc", FAMILY, "households", "sum", "", 0),
    ("KT_HO_NGHEO_GIUP", "Số hộ nghèo, cận nghèo do phụ nữ làm chủ được giúp đỡ", ECONOMY, "households", "sum", "", 0),
    ("KT_THOAT_NGHEO", "Số hộ nghèo do phụ nữ làm chủ được giúp đỡ thoát nghèo", ECONOMY, "households", "sum", "", 0),
    ("KT_HTX_MOI", "Số hợp tác xã, tổ hợp tác do phụ nữ quản lý được thành lập mới", ECONOMY, "count", "sum", "", 0),
    ("KT_KHOI_NGHIEP", "Số ý tưởng, dự án khởi nghiệp của phụ nữ được hỗ trợ", ECONOMY, "count", "sum", "", 0),
    ("KT_VIEC_LAM", "Số lao động nữ được hỗ trợ, giới thiệu việc làm", ECONOMY, "people", "sum", "", 0),
    ("TD_TO_TK", "Số tổ tiết kiệm và vay vốn", CREDIT, "count", "sum", "", 0),
    ("TD_THANH_VIEN", "Số thành viên tổ tiết kiệm và vay vốn", CREDIT, "people", "sum", "", 0),
    ("TD_TIEN_TK", "Số tiền tiết kiệm huy động (cuối kỳ)", CREDIT, "vnd", "sum", "", 0),
    ("TD_DU_NO_NHCSXH", "Dư nợ ủy thác qua Ngân hàng Chính sách xã hội (cuối kỳ)", CREDIT, "vnd", "sum", "", 0),
    ("TD_HO_VAY", "Số hộ còn dư nợ vay vốn", CREDIT, "households", "sum", "", 0),
    ("TD_NO_QUA_HAN_TL", "Tỷ lệ nợ quá hạn trên tổng dư nợ ủy thác", CREDIT, "percent", "ratio", "", 2),
    ("TT_BUOI", "Số buổi tuyên truyền, sinh hoạt chuyên đề", OUTREACH, "sessions", "sum", "", 0),
    ("TT_LUOT", "Số lượt người dự các buổi tuyên truyền", OUTREACH, "people", "sum", "", 0),
    ("TT_TIN_BAI", "Số tin, bài trên trang thông tin điện tử và mạng xã hội của Hội", OUTREACH, "count", "sum", "", 0),
    ("AS_MAI_AM", "Số “Mái ấm tình thương” được xây mới, sửa chữa", WELFARE, "count", "sum", "", 0),
    ("AS_DO_DAU", "Số trẻ em mồ côi được nhận đỡ đầu (“Mẹ đỡ đầu”)", WELFARE, "people", "sum", "", 0),
    ("AS_KINH_PHI", "Tổng giá trị vận động, hỗ trợ an sinh xã hội", WELFARE, "vnd", "sum", "", 0),
    ("DT_CAN_BO", "Số lượt cán bộ Hội được tập huấn, bồi dưỡng", TRAINING, "people", "sum", "", 0),
]  # fmt: skip


def ship(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    existing = set(Indicator.objects.values_list("code", flat=True))
    Indicator.objects.bulk_create(
        Indicator(
            code=code, name=name, group=group, measure=measure, rollup=rollup,
            source="computed" if key else "entered", computed_key=key, decimal_places=places,
            order=(index + 1) * 10, unit=None, unit_path="",
        )
        for index, (code, name, group, measure, rollup, key, places) in enumerate(STANDARD)
        if code not in existing
    )  # fmt: skip


def unship(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    Indicator.objects.filter(code__in=[row[0] for row in STANDARD], unit__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
