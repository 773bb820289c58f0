"""The national report templates: the standard quarterly and yearly reports of the Union.

The quarterly report asks for the figures that move within a year (members, digital
readiness, the movements' results); the yearly report asks for every indicator of the
standard library. Both have the four narrative sections of a Vietnamese report. A re-run adds
only a missing template; the reverse removes the shipped ones.
"""

from django.db import migrations

SECTIONS = ["results", "shortcomings", "tasks", "proposals"]
QUARTERLY_NAME = "Báo cáo kết quả công tác Hội quý (mẫu chung)"
YEARLY_NAME = "Báo cáo tổng kết công tác Hội năm (mẫu chung)"
QUARTERLY = [
    "HV_TONG", "HV_MOI", "HV_GIAM", "HV_THU_HUT_TL", "HV_NONG_COT_TL", "CDS_VNEID2_TL",
    "CDS_SMARTPHONE_TL", "CDS_SAN_SANG", "TC_MO_HINH", "GD_5K3S", "KT_HO_NGHEO_GIUP",
    "KT_VIEC_LAM", "TD_TO_TK", "TD_DU_NO_NHCSXH", "TD_NO_QUA_HAN_TL", "TT_BUOI", "TT_LUOT",
    "AS_MAI_AM", "AS_KINH_PHI",
]  # fmt: skip


def ship(apps, schema_editor):
    from hoiso.reporting.migrations import _standard

    Indicator = apps.get_model("reporting", "Indicator")
    Template = apps.get_model("reporting", "ReportTemplate")
    Item = apps.get_model("reporting", "ReportTemplateItem")
    by_code = {i.code: i for i in Indicator.objects.filter(unit__isnull=True)}
    yearly = [row[0] for row in _standard.STANDARD]
    for name, codes in ((QUARTERLY_NAME, QUARTERLY), (YEARLY_NAME, yearly)):
        if Template.objects.filter(name=name, unit__isnull=True).exists():
            continue
        template = Template.objects.create(name=name, sections=SECTIONS, unit=None, unit_path="")
        Item.objects.bulk_create(
            Item(template=template, indicator=by_code[code], order=(index + 1) * 10)
            for index, code in enumerate(codes)
            if code in by_code
        )


def unship(apps, schema_editor):
    # By ids, not through the deletion collector: with later apps' migrations unapplied in the
    # same run, the collector can be handed model classes of two different states.
    Template = apps.get_model("reporting", "ReportTemplate")
    Item = apps.get_model("reporting", "ReportTemplateItem")
    Request = apps.get_model("reporting", "ReportRequest")
    ids = list(Template.objects.filter(name__in=[QUARTERLY_NAME, YEARLY_NAME], unit__isnull=True)
               .values_list("pk", flat=True))  # fmt: skip
    if Request.objects.filter(template_id__in=ids).exists():
        raise RuntimeError("report requests use the national templates; they cannot be removed")
    Item.objects.filter(template_id__in=ids)._raw_delete(schema_editor.connection.alias)
    Template.objects.filter(pk__in=ids)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_submissions")]

    operations = [migrations.RunPython(ship, unship)]
