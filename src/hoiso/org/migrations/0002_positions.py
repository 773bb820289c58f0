"""The standard positions of the Union's officials, by the kinds of unit they exist at."""

from django.db import migrations

POSITIONS = [
    ("chu-tich", "Chủ tịch", 10, ["central", "province", "commune", "affiliated"]),
    ("pho-chu-tich", "Phó Chủ tịch", 20, ["central", "province", "commune", "affiliated"]),
    ("uy-vien-btv", "Ủy viên Ban Thường vụ", 30, ["central", "province", "commune", "affiliated"]),
    ("uy-vien-bch", "Ủy viên Ban Chấp hành", 40, ["central", "province", "commune", "affiliated"]),
    ("truong-ban", "Trưởng ban", 50, ["central", "province"]),
    ("pho-truong-ban", "Phó Trưởng ban", 55, ["central", "province"]),
    ("can-bo-chuyen-trach", "Cán bộ chuyên trách", 60, ["central", "province", "commune"]),
    ("chi-hoi-truong", "Chi hội trưởng", 70, ["branch"]),
    ("chi-hoi-pho", "Chi hội phó", 75, ["branch"]),
    ("to-truong", "Tổ trưởng", 80, ["group"]),
    ("to-pho", "Tổ phó", 85, ["group"]),
]


def seed(apps, schema_editor):
    Position = apps.get_model("org", "Position")
    for code, name, order, kinds in POSITIONS:
        Position.objects.update_or_create(code=code, defaults={"name": name, "order": order, "unit_kinds": kinds})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
