"""Notifications as an official meets them: the bell in the header, the inbox, opening one,
marking all read, and choosing the daily digest — on a computer and on a phone."""

import re

import pytest

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bell_inbox_open_and_preferences(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.notifications.models import DeliveryPreference, Notification
    from hoiso.notifications.services import notify

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    unit_url = f"/to-chuc/{e2e_org.pks['nk1']}/"
    for title, url in [("Báo cáo quý IV cần nộp trước 15/12", "/hoi-vien/"),
                       ("Chi hội Khu vực 1 có văn bản mới", unit_url)]:  # fmt: skip
        notify(recipients=[officer], kind="test", title=title, body="Nội dung " * 30, url=url,
               unit=e2e_org.nk, email=False)  # fmt: skip

    e2e_sign_in(ep, officer)
    bell = page.locator("header #hs-notifications")
    assert bell.locator(".badge").inner_text() == "2"
    page.set_viewport_size(PHONE)  # the bell stays in the header on a phone
    box = bell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    page.set_viewport_size({"width": 1366, "height": 800})

    bell.click()
    page.wait_for_url(re.compile(r"/thong-bao/$"))
    ep.assert_page_ok()
    items = page.locator("main .list-group-item")
    assert items.count() == 2
    ep.shoot("notifications-inbox")

    # Opening the newest leads to its page and marks it read: the badge counts one.
    page.locator("main .list-group-item a", has_text="Chi hội Khu vực 1 có văn bản mới").click()
    page.wait_for_url(re.compile(re.escape(unit_url) + "$"))
    ep.assert_page_ok()
    assert page.locator("header #hs-notifications .badge").inner_text() == "1"

    ep.goto("/thong-bao/")
    page.locator("form[action='/thong-bao/da-doc-het/'] button").click()
    page.wait_for_url(re.compile(r"/thong-bao/$"))
    assert page.locator("header #hs-notifications .badge").count() == 0
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    ep.assert_page_ok()

    page.locator("main a[href='/thong-bao/tuy-chon/']").click()
    page.wait_for_url(re.compile(r"/thong-bao/tuy-chon/$"))
    page.locator("input[name=email_mode][value=digest]").check()
    ep.shoot("notifications-preferences")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/thong-bao/tuy-chon/$"))
    assert page.locator("input[name=email_mode][value=digest]").is_checked()
    assert DeliveryPreference.objects.get(user=officer).email_mode == "digest"
    ep.assert_page_ok()
