"""Indicators and report figures, as a province administrator walks them on the Vietnamese UI:
the library, defining an indicator for a commune (a bad definition first), deactivating it,
the cut-off days, and the computed figures of a commune for a quarter."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _library():
    """The shipped library (a transactional test empties the tables its migration filled)."""
    import importlib

    from django.apps import apps

    importlib.import_module("hoiso.reporting.migrations.0002_standard_indicators").ship(apps, None)


def _vi(message: str, **params) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def test_indicators_and_report_figures(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.members.services import member_admit
    from hoiso.org.services import population_set
    from hoiso.reporting.models import Indicator, PeriodCutOff

    _library()
    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    for name, unit in (("Lê Thị Một", e2e_org.nk1), ("Lê Thị Hai", e2e_org.nk2)):
        member_admit(actor=admin, unit=unit, joined_on=datetime.date(2026, 1, 20),
                     data={"full_name": name, "date_of_birth": datetime.date(1990, 5, 12),
                           "has_smartphone": True})  # fmt: skip
    population_set(actor=admin, unit=e2e_org.nk, year=2025, women_18_plus=1600)
    e2e_sign_in(ep, admin)

    # The library, grouped; the sidebar leads there.
    ep.goto("/bao-cao/chi-tieu/")
    ep.assert_page_ok()
    assert page.locator("main table tbody tr").count() > 35
    assert page.locator("main", has_text="HV_THU_HUT_TL").count() == 1
    ep.shoot("reporting_indicators")

    # A bad definition: percentages added up. The message, and nothing written.
    page.locator('main a[href="/bao-cao/chi-tieu/them/"]').click()
    page.wait_for_url(re.compile(r"/bao-cao/chi-tieu/them/$"))
    ep.assert_page_ok()
    page.select_option("#id_owner", str(e2e_org.nk.pk))
    page.fill("#id_code", "nk_5k3s_tl")
    page.fill("#id_name", "Tỷ lệ hộ đạt “5 không, 3 sạch” của phường")
    page.select_option("#id_measure", "percent")
    page.select_option("#id_rollup", "sum")
    page.select_option("#id_source", "entered")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")
    message = _vi("Percentages cannot be added up: choose a ratio of two sums, largest or latest.")
    assert page.locator(".invalid-feedback", has_text=message).count() == 1
    assert not Indicator.objects.filter(code="NK_5K3S_TL").exists()
    ep.assert_page_ok()
    ep.shoot("reporting_indicator_bad")

    # Corrected: a weighted ratio. Back on the list, it is there, defined for the commune.
    page.select_option("#id_rollup", "ratio")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/bao-cao/chi-tieu/$"))
    made = Indicator.objects.get(code="NK_5K3S_TL")
    assert made.unit_id == e2e_org.nk.pk and made.active
    ep.assert_page_ok()

    # Deactivate it (not delete): it stays, marked not in use.
    page.locator(f'main a[href="/bao-cao/chi-tieu/{made.pk}/sua/"]').locator(
        "visible=true"
    ).click()  # the code on a PC, the name on a phone
    page.wait_for_url(re.compile(r"/sua/$"))
    ep.shoot("reporting_indicator_edit")
    page.uncheck("#id_active")
    page.locator("main form button.btn-primary").first.click()
    page.wait_for_url(re.compile(r"/bao-cao/chi-tieu/$"))
    made.refresh_from_db()
    assert not made.active
    assert page.locator("main tr.text-muted", has_text="NK_5K3S_TL").count() == 1

    # The cut-off days: the whole tree is hers here, so she may set them.
    ep.goto("/bao-cao/ngay-chot/")
    ep.assert_page_ok()
    page.fill("#id_quarter", "31")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/bao-cao/ngay-chot/$"))
    assert PeriodCutOff.objects.get(kind="quarter").day == 31
    ep.shoot("reporting_cut_offs")

    # The figures of commune Ninh Kiều for the first quarter of 2026.
    ep.goto(f"/bao-cao/so-lieu/?unit={e2e_org.nk.pk}&kind=quarter&year=2026&number=1")
    ep.assert_page_ok()
    row = page.locator("main tr", has_text="HV_TONG")
    assert row.locator(".fw-semibold").inner_text().strip() == "2"
    rate = page.locator("main tr", has_text="HV_THU_HUT_TL")
    assert rate.locator(".fw-semibold").inner_text().strip() == "0,13%"  # 2 of 1.600
    assert "2 / 1.600" in rate.inner_text()
    assert page.locator("main", has_text="01/01/2026").count() == 1  # cut-off 31: calendar quarter
    ep.shoot("reporting_figures")
    ep.assert_clean()
