"""A campaign as officials walk it on the Vietnamese UI: the province launches a drive for its
communes, tries to spread the target by members (none yet: a clear refusal) then equally,
corrects one commune's target and starts it; a commune official enters a bad daily figure
(refused, nothing written), then a good one, and sees her progress, the chart drawn and the
ranking — on a computer and on a 360 px phone."""

import datetime
import re

import pytest

from tests.e2e.conftest import PHONE

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


def test_launch_spread_start_enter_and_follow(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.campaigns.models import Campaign, Entry, Target
    from hoiso.reporting.models import Indicator

    _library()
    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p, full_name="Trần Thị Hồng")
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    vneid, sessions = (
        Indicator.objects.get(code="CDS_VNEID2"),
        Indicator.objects.get(code="TT_BUOI"),
    )
    today = datetime.date.today()

    e2e_sign_in(ep, admin)
    ep.goto("/thi-dua/")
    ep.assert_page_ok()
    page.locator("main a[href='/thi-dua/moi/']").click()
    page.wait_for_url(re.compile(r"/thi-dua/moi/$"))
    page.fill("input[name=name]", "Cao điểm 90 ngày đêm")
    page.fill("input[name=start]", (today - datetime.timedelta(days=9)).isoformat())
    page.fill("input[name=end]", (today + datetime.timedelta(days=80)).isoformat())
    page.select_option("select[name=target_kind]", "commune")
    page.locator(f"input[name=indicators][value='{vneid.pk}']").check()
    page.locator(f"input[name=indicators][value='{sessions.pk}']").check()
    ep.shoot("campaigns-create")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/thi-dua/\d+/chi-tieu/$"))
    campaign = Campaign.objects.get()

    # No members anywhere yet: spreading by members is refused, nothing written.
    page.select_option("select[name=indicator]", str(vneid.pk))
    page.fill("input[name=total]", "300")
    page.select_option("select[name=rule]", "members")
    page.locator("main form button.btn-primary").first.click()
    page.wait_for_load_state()
    expected = _vi("These units have no members yet: spread the target equally instead.")
    assert expected in page.locator("main .alert-danger").inner_text()
    assert not Target.objects.exists()
    page.select_option("select[name=rule]", "equal")
    page.locator("main form button.btn-primary").first.click()
    page.wait_for_url(re.compile(r"/thi-dua/\d+/chi-tieu/$"))
    assert sorted(Target.objects.values_list("value", flat=True)) == [100, 100, 100]
    page.select_option("select[name=indicator]", str(sessions.pk))
    page.fill("input[name=total]", "30")
    page.select_option("select[name=rule]", "equal")
    page.locator("main form button.btn-primary").first.click()
    page.wait_for_url(re.compile(r"/thi-dua/\d+/chi-tieu/$"))
    assert Target.objects.filter(indicator=sessions).count() == 3
    # one commune's target corrected by hand
    row = page.locator("main tbody tr", has_text="Ninh Kiều")
    row.locator("input[name=value]").first.fill("120")
    row.locator("button").first.click()
    page.wait_for_url(re.compile(r"/thi-dua/\d+/chi-tieu/$"))
    assert Target.objects.get(unit_id=e2e_org.nk.pk, indicator=vneid).value == 120
    ep.shoot("campaigns-targets")
    ep.goto(f"/thi-dua/{campaign.pk}/")
    page.locator("main form[action$='/bat-dau/'] button").click()
    page.wait_for_url(re.compile(r"/thi-dua/\d+/$"))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    ep.assert_page_ok()

    # The commune official enters the day's sessions: a bad figure first.
    page.context.clear_cookies()
    e2e_sign_in(ep, officer)
    ep.goto(f"/thi-dua/{campaign.pk}/nhap/")
    page.select_option("select[name=indicator]", str(sessions.pk))
    page.fill("input[name=value]", "-2")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert _vi("it cannot be negative.") in page.locator("main .alert-danger").inner_text()
    assert not Entry.objects.exists()
    page.select_option("select[name=indicator]", str(sessions.pk))
    page.fill("input[name=value]", "3")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/nhap/\?unit=\d+$"))
    assert Entry.objects.get().value == 3
    ep.goto(f"/thi-dua/{campaign.pk}/")
    ep.assert_page_ok()
    page.wait_for_selector("#campaign-chart canvas")
    table = page.locator("main .card[data-indicator=TT_BUOI] tbody tr")
    assert table.count() == 1  # only her own commune
    assert "Ninh Kiều" in table.first.inner_text() and "30,0%" in table.first.inner_text()
    ep.shoot("campaigns-progress")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ep.goto(f"/thi-dua/{campaign.pk}/bao-cao/")
    ep.assert_page_ok()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
