"""Loading Vietnam's provinces and communes from vietnam-provinces."""

import io

import pytest
from django.core.management import call_command

from hoiso.org.models import AdministrativeArea

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def test_load_areas_is_complete_and_idempotent():
    call_command("load_areas", stdout=io.StringIO())
    provinces = AdministrativeArea.objects.filter(level="province")
    communes = AdministrativeArea.objects.filter(level="commune")
    assert provinces.count() == 34
    assert communes.count() == 3321
    assert not communes.filter(province__isnull=True).exists()
    can_tho = provinces.get(code="92")
    assert can_tho.name == "Thành phố Cần Thơ"
    ninh_kieu = AdministrativeArea.objects.get(code="31135")
    assert (ninh_kieu.name, ninh_kieu.name_folded, ninh_kieu.province) == (
        "Phường Ninh Kiều", "phuong ninh kieu", can_tho)  # fmt: skip
    # Commune codes are five digits, zero-padded, so that "00004" and "4" are one commune.
    assert all(len(code) == 5 for code in communes.values_list("code", flat=True))

    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert AdministrativeArea.objects.count() == 34 + 3321
    assert "0 created" in out.getvalue()


def test_load_areas_repairs_a_changed_name(areas):
    AdministrativeArea.objects.filter(code="31135").update(name="Sai tên", name_folded="sai ten")
    call_command("load_areas", stdout=io.StringIO())
    area = AdministrativeArea.objects.get(code="31135")
    assert (area.name, area.name_folded) == ("Phường Ninh Kiều", "phuong ninh kieu")
