"""Walking the unit tree: expand and collapse (htmx), search without diacritics, a unit's page."""

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_walk_the_tree(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.org.models import Unit

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)
    p, nk = e2e_org.pks["p"], e2e_org.pks["nk"]

    ep.goto("/to-chuc/")
    ep.assert_page_ok()
    # The top of the admin's scope is the province, collapsed.
    roots = page.locator("#tree-area > ul.hs-tree > li")
    assert roots.count() == 1
    assert roots.first.locator("a").first.inner_text().strip() == "Hội LHPN thành phố Cần Thơ"
    ep.shoot("tree")

    # Expand the province: htmx loads its communes.
    page.locator(f'[data-tree-toggle="children-{p}"]').click()
    communes = page.locator(f"#children-{p} > li")
    communes.first.wait_for()
    names = [
        n.strip() for n in page.locator(f"#children-{p} > li > .hs-tree-row > a").all_inner_texts()
    ]
    expected = list(
        Unit.objects.filter(parent_id=p).active().vn_ordered().values_list("name", flat=True)
    )
    assert sorted(names) == sorted(expected) and len(names) == 3

    # Expand a commune: its branches come in.
    toggle = page.locator(f'[data-tree-toggle="children-{nk}"]')
    toggle.click()
    branches = page.locator(f"#children-{nk} > li > .hs-tree-row > a")
    branches.first.wait_for()
    assert sorted(b.strip() for b in branches.all_inner_texts()) == [
        "Chi hội Khu vực 1",
        "Chi hội Khu vực 2",
    ]
    assert toggle.get_attribute("aria-expanded") == "true"
    ep.shoot("tree-expanded")

    # Collapse it again (the click toggles `hidden`), and open it again. Whether the
    # server is asked again is test_tree_collapse_stays_local's business.
    toggle.click()
    page.wait_for_function(f"document.getElementById('children-{nk}').hidden === true")
    assert not page.locator(f"#children-{nk}").is_visible()
    assert not page.get_by_role("link", name="Chi hội Khu vực 1").is_visible()
    toggle.click()
    page.wait_for_function(f"document.getElementById('children-{nk}').hidden === false")
    assert page.locator(f"#children-{nk} > li").count() == 2
    ep.assert_clean()

    # Search without diacritics.
    page.fill("#tree-q", "ke sach")
    # (The expanded tree shows that commune too: wait for the result list itself.)
    result = page.locator("#tree-area .list-group-item a", has_text="Hội LHPN xã Kế Sách")
    result.wait_for()
    assert page.locator("#tree-area .list-group-item").count() == 1
    assert "/to-chuc/?q=" in page.url  # hx-push-url: the search can be bookmarked
    ep.assert_page_ok()
    ep.shoot("tree-search")

    # Open the result: the unit page, with the province in the breadcrumb.
    result.click()
    page.wait_for_url(re.compile(rf"/to-chuc/{e2e_org.pks['ks']}/$"))
    assert page.locator("h1.hs-page-title").inner_text().strip() == "Hội LHPN xã Kế Sách"
    crumbs = page.locator("nav .breadcrumb")
    assert (
        crumbs.locator(f'a[href="/to-chuc/{p}/"]').inner_text().strip()
        == "Hội LHPN thành phố Cần Thơ"
    )
    assert crumbs.locator(".breadcrumb-item.active").inner_text().strip() == "Hội LHPN xã Kế Sách"
    # The branch below is listed, and the area is shown.
    assert page.locator("main table a", has_text="Chi hội Ấp An Thạnh").count() == 1
    assert "Xã Kế Sách" in page.locator(".hs-subtitle").first.inner_text()
    ep.assert_page_ok()
    ep.shoot("unit_detail")

    # Its lineage page.
    page.locator(f'a[href="/to-chuc/{e2e_org.pks["ks"]}/lich-su/"]').click()
    page.wait_for_url(re.compile(r"/lich-su/$"))
    ep.assert_page_ok()
    ep.shoot("unit_lineage")

    # The search page works without JavaScript's help too (a plain GET).
    ep.goto("/to-chuc/?q=NINH%20KIEU")
    assert (
        page.locator("#tree-area .list-group-item a", has_text="Hội LHPN phường Ninh Kiều").count()
        == 1
    )
    ep.assert_page_ok()


def test_tree_collapse_stays_local(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)
    p, nk = e2e_org.pks["p"], e2e_org.pks["nk"]
    ep.goto("/to-chuc/")
    page.locator(f'[data-tree-toggle="children-{p}"]').click()
    page.locator(f"#children-{p} > li").first.wait_for()
    toggle = page.locator(f'[data-tree-toggle="children-{nk}"]')
    toggle.click()
    page.locator(f"#children-{nk} > li").first.wait_for()
    page.wait_for_load_state("networkidle")

    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/con/" in r.url else None)
    toggle.click()  # collapse
    page.wait_for_timeout(600)
    assert page.evaluate(f"document.getElementById('children-{nk}').hidden") is True
    assert toggle.get_attribute("aria-expanded") == "false"
    assert "bi-plus-square" in toggle.locator(".bi").get_attribute("class")
    assert requests == []
