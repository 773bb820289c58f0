"""The indicator library: the shipped standard indicators, the rules a definition must keep,
and the services that define, change and delete them inside the actor's scope."""

import pytest
from django.core.exceptions import ValidationError

from hoiso.core import indicators as registry
from hoiso.core.models import AuditEntry
from hoiso.reporting.models import Indicator
from hoiso.reporting.services import (
    ReportingError,
    indicator_create,
    indicator_delete,
    indicator_update,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ENTERED = {"code": "TT_LOP", "name": "Số lớp học “Bình dân học vụ số”", "measure": "sessions",
           "rollup": "sum", "source": "entered", "group": "Chuyển đổi số"}  # fmt: skip


def test_the_standard_library_is_shipped_and_consistent(library):
    assert len(library) >= 35
    for code in ("HV_TONG", "HV_MOI", "HV_THU_HUT_TL", "GD_5K3S", "KT_THOAT_NGHEO", "TT_BUOI",
                 "TT_LUOT", "TD_TO_TK", "TD_DU_NO_NHCSXH", "TC_CHI_HOI", "CDS_SAN_SANG"):  # fmt: skip
        assert code in library
    for indicator in library.values():
        indicator.full_clean()  # every shipped definition keeps the rules
        if indicator.source == "computed":
            assert registry.is_registered(indicator.computed_key), indicator.code
    assert (
        library["HV_THU_HUT_TL"].rollup == "ratio" and library["HV_THU_HUT_TL"].measure == "percent"
    )
    assert library["GD_5K3S"].source == "entered" and library["GD_5K3S"].measure == "households"
    assert all(i.unit_id is None and i.unit_path == "" for i in library.values())


def errors_of(**fields) -> dict:
    indicator = Indicator(**{**ENTERED, **fields})
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    return caught.value.message_dict


def test_rules_of_a_definition(library):
    assert "computed_key" in errors_of(source="computed", computed_key="")
    assert errors_of(source="computed", computed_key="members.nothing")["computed_key"] == [
        "No function computes “members.nothing”."
    ]
    assert "rollup" in errors_of(
        source="computed", computed_key="members.participation", measure="percent", rollup="max"
    )
    assert "rollup" in errors_of(
        source="computed", computed_key="members.total", measure="people", rollup="ratio"
    )
    assert errors_of(measure="percent", rollup="sum")["rollup"][0].startswith(
        "Percentages cannot be added up"
    )
    assert "code" in errors_of(code="hv moi")
    assert errors_of(code="HV_MOI")["code"] == ["Another indicator already has this code."]
    assert "decimal_places" in errors_of(decimal_places=9)
    entered = Indicator(**{**ENTERED, "computed_key": "members.total"})
    entered.full_clean()
    assert entered.computed_key == ""  # an entered indicator names no function


def test_bounds_follow_the_measure():
    assert Indicator(measure="percent").bounds() == (0, 100)
    assert Indicator(measure="people").bounds() == (0, None)
    assert Indicator(measure="vnd", rollup="sum").integral
    assert not Indicator(measure="percent", rollup="ratio").integral
    assert Indicator(measure="vnd", rollup="ratio").scale == 1


def test_a_commune_defines_indicators_for_its_own_subtree_only(
    tree, tinh_admin, q_admin, chi_hoi_leader
):
    made = indicator_create(actor=tinh_admin, unit=tree.a, data=ENTERED)
    assert made.unit_path == tree.a.path and made.created_by == tinh_admin
    assert AuditEntry.objects.filter(action="indicator.create", unit_path=tree.a.path).count() == 1
    with pytest.raises(ReportingError, match="outside your own unit"):
        indicator_create(actor=q_admin, unit=tree.a, data={**ENTERED, "code": "TT_KHAC"})
    with pytest.raises(ReportingError, match="outside your own unit"):
        indicator_update(actor=q_admin, indicator=made, data={"name": "Khác"})
    with pytest.raises(ReportingError):  # a branch leader does not manage reporting
        indicator_create(actor=chi_hoi_leader, unit=tree.a1, data={**ENTERED, "code": "TT_KHAC"})
    assert Indicator.objects.filter(code="TT_KHAC").count() == 0
    assert set(Indicator.objects.for_unit(tree.a1).filter(unit__isnull=False)) == {made}
    assert not Indicator.objects.for_unit(tree.b).filter(unit__isnull=False).exists()


def test_the_national_library_is_kept_by_national_administrators(library, tinh_admin, superuser):
    members = library["HV_TONG"]
    with pytest.raises(ReportingError, match="national administrators"):
        indicator_update(actor=tinh_admin, indicator=members, data={"name": "Hội viên"})
    with pytest.raises(ReportingError, match="national administrators"):
        indicator_create(actor=tinh_admin, unit=None, data=ENTERED)
    changed = indicator_update(actor=superuser, indicator=members, data={"active": False})
    assert not changed.active
    entry = AuditEntry.objects.get(action="indicator.update")
    assert entry.details == {"code": "HV_TONG", "changed": ["active"]}


def test_a_bad_definition_writes_nothing(library, superuser):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ReportingError, match="Percentages cannot be added up"):
        indicator_create(actor=superuser, unit=None, data={**ENTERED, "measure": "percent"})
    with pytest.raises(ReportingError, match="Another indicator already has this code"):
        indicator_create(actor=superuser, unit=None, data={**ENTERED, "code": "HV_TONG"})
    with pytest.raises(ReportingError):
        indicator_update(actor=superuser, indicator=library["HV_TONG"], data={"rollup": "ratio"})
    library["HV_TONG"].refresh_from_db()
    assert library["HV_TONG"].rollup == "sum"
    assert not Indicator.objects.filter(code="TT_LOP").exists()
    assert AuditEntry.objects.count() == audit_before


def test_delete_an_unused_indicator(tree, tinh_admin, q_admin):
    made = indicator_create(actor=tinh_admin, unit=tree.p, data=ENTERED)
    with pytest.raises(ReportingError):
        indicator_delete(actor=q_admin, indicator=made)
    indicator_delete(actor=tinh_admin, indicator=made)
    assert not Indicator.objects.filter(code="TT_LOP").exists()
    assert AuditEntry.objects.filter(action="indicator.delete", details__code="TT_LOP").exists()


def test_a_computed_indicator_takes_the_measure_of_its_function(library):
    assert errors_of(source="computed", computed_key="members.total", measure="households")[
        "measure"
    ] == ["This function counts in “people”; choose that measure."]
    assert "measure" in errors_of(
        source="computed", computed_key="members.core_pct", measure="vnd", rollup="ratio"
    )


def test_an_indicator_follows_its_commune_into_a_merger(tree, tinh_admin):
    from hoiso.org.services import plan_merge, restructuring_apply

    made = indicator_create(actor=tinh_admin, unit=tree.b, data=ENTERED)
    plan = plan_merge(actor=tinh_admin, sources=[tree.b], target=tree.a,
                      effective_on=tree.a.active_from)  # fmt: skip
    restructuring_apply(actor=tinh_admin, plan=plan)
    made.refresh_from_db()
    assert made.unit == tree.a and made.unit_path == tree.a.path
