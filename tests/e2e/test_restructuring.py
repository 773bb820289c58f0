"""Restructuring through the wizard: merge with preview and confirm, a refused merge, revert."""

import re

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _units_snapshot():
    from hoiso.org.models import Restructuring, Unit, UnitLink

    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "pk", "path", "depth", "parent_id", "active_to", "name"
            )
        ),
        Restructuring.objects.count(),
        UnitLink.objects.count(),
    )


def test_merge_two_communes(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.core.models import AuditEntry
    from hoiso.org.models import Restructuring, Unit, UnitLink

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)
    p, target_pk, source_pk = e2e_org.pks["p"], e2e_org.pks["nk"], e2e_org.pks["ck"]
    branch_pks = list(Unit.objects.filter(parent_id=source_pk).values_list("pk", flat=True))
    assert len(branch_pks) == 2

    # From the province page to the wizard.
    ep.goto(f"/to-chuc/{p}/")
    page.locator(f'main a[href="/to-chuc/tai-cau-truc/moi/?parent={p}"]').click()
    page.wait_for_url(re.compile(r"/to-chuc/tai-cau-truc/moi/\?parent=\d+$"))
    assert page.locator(".hs-kind-card").count() == 4
    ep.assert_page_ok()
    ep.shoot("restructuring_start")
    page.locator(f'a.hs-kind-card[href="/to-chuc/tai-cau-truc/moi/merge/?parent={p}"]').click()
    page.wait_for_url(re.compile(r"/tai-cau-truc/moi/merge/"))
    ep.assert_page_ok()

    # Describe: the receiving commune, one other commune ticked, the date.
    page.select_option("#id_target", label="Hội LHPN phường Ninh Kiều")
    page.get_by_role("checkbox", name="Hội LHPN phường Cái Khế").check()
    effective = timezone.localdate()
    page.fill("#id_effective_on", effective.strftime("%d/%m/%Y"))
    page.fill("#id_decision", "25/QĐ-HPN")
    ep.shoot("restructuring_merge")
    page.locator("main form button.btn-primary").click()

    # Preview: it lists the moves; nothing has changed yet.
    preview = page.locator(".hs-plan")
    preview.wait_for()
    # Long lists of moved units fold into <details>: open them, then read everything.
    for summary in page.locator(".hs-plan details > summary").all():
        summary.click()
    text = preview.text_content()
    assert "Chi hội Khu vực 3" in text and "Chi hội Khu vực 4" in text
    assert text.count("Hội LHPN phường Cái Khế") >= 2  # the moves and the retirement
    ep.assert_page_ok()
    ep.shoot("restructuring_preview")
    assert Unit.objects.get(pk=source_pk).active_to is None
    assert Restructuring.objects.count() == 0
    assert set(Unit.objects.filter(parent_id=source_pk).values_list("pk", flat=True)) == set(
        branch_pks
    )

    # Confirm: the restructuring's page.
    page.locator('button[name="confirm"][value="1"]').click()
    page.wait_for_url(re.compile(r"/to-chuc/tai-cau-truc/\d+/$"))
    restructuring = Restructuring.objects.get()
    assert ep.path() == f"/to-chuc/tai-cau-truc/{restructuring.pk}/"
    assert page.locator("h1.hs-page-title").inner_text().strip() == restructuring.summary
    assert page.locator(".alert-success").count() == 1
    ep.assert_page_ok()
    ep.shoot("restructuring_detail")

    # In the database: retired, branches moved with their paths, lineage and audit.
    source, target = Unit.objects.get(pk=source_pk), Unit.objects.get(pk=target_pk)
    assert source.active_to == effective
    assert target.active_to is None
    for branch in Unit.objects.filter(pk__in=branch_pks):
        assert branch.parent_id == target_pk
        assert branch.path.startswith(target.path)
        assert branch.depth == target.depth + 1
    assert UnitLink.objects.filter(
        predecessor=source, successor=target, restructuring=restructuring
    ).exists()
    assert AuditEntry.objects.filter(action="restructuring.merge").exists()
    assert restructuring.kind == "merge" and restructuring.decision == "25/QĐ-HPN"

    # The retired commune: a notice, and a link to its successor.
    page.locator(f'main a[href="/to-chuc/{source_pk}/"]').first.click()
    page.wait_for_url(re.compile(rf"/to-chuc/{source_pk}/$"))
    notice = page.locator(".alert-warning")
    assert notice.count() == 1
    assert effective.strftime("%d/%m/%Y") in notice.inner_text()
    successor = notice.locator(f'a[href="/to-chuc/{target_pk}/"]')
    assert successor.inner_text().strip() == "Hội LHPN phường Ninh Kiều"
    assert page.locator("h1.hs-page-title.hs-retired").count() == 1
    ep.assert_page_ok()
    ep.shoot("unit_detail-retired")
    page.locator(f'a[href="/to-chuc/{source_pk}/lich-su/"]').click()
    page.wait_for_url(re.compile(r"/lich-su/$"))
    assert page.locator(f'main a[href="/to-chuc/{target_pk}/"]').count() >= 1
    ep.assert_page_ok()
    ep.shoot("unit_lineage-retired")
    successor_url = f"/to-chuc/{source_pk}/"
    ep.goto(successor_url)
    page.locator(f'.alert-warning a[href="/to-chuc/{target_pk}/"]').click()
    page.wait_for_url(re.compile(rf"/to-chuc/{target_pk}/$"))
    assert page.locator("main table a", has_text="Chi hội Khu vực 3").count() == 1
    ep.assert_page_ok()

    # The list of restructurings shows it.
    ep.goto("/to-chuc/tai-cau-truc/")
    assert page.locator(f'main a[href="/to-chuc/tai-cau-truc/{restructuring.pk}/"]').count() == 1
    ep.assert_page_ok()
    ep.shoot("restructuring_list")


def test_bad_restructuring_shows_message(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from django.utils import translation
    from django.utils.translation import gettext

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)
    p = e2e_org.pks["p"]
    before = _units_snapshot()

    # Merge a commune into itself.
    ep.goto(f"/to-chuc/tai-cau-truc/moi/merge/?parent={p}")
    page.select_option("#id_target", label="Hội LHPN xã Kế Sách")
    page.get_by_role("checkbox", name="Hội LHPN xã Kế Sách").check()
    page.fill("#id_effective_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")

    error = page.locator("main form .alert-danger")
    error.wait_for()
    with translation.override("vi"):
        expected = gettext("A unit cannot be merged into itself.")
    assert error.inner_text().strip() == expected
    assert page.locator(".hs-plan").count() == 0  # no preview
    assert page.locator('button[name="confirm"]').count() == 0
    ep.assert_page_ok()
    ep.shoot("restructuring_merge-error")

    # A forged confirmation (the preview skipped) is refused the same way.
    page.evaluate("""() => {
        const form = document.querySelector("main form");
        const confirm = document.createElement("input");
        confirm.type = "hidden"; confirm.name = "confirm"; confirm.value = "1";
        form.appendChild(confirm);
    }""")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")
    page.locator("main form .alert-danger").wait_for()
    assert page.locator("main form .alert-danger").inner_text().strip() == expected
    ep.assert_page_ok()
    assert _units_snapshot() == before

    # A date in a format officials do not use is a field error, not a crash.
    page.fill("#id_effective_on", "2025-13-45")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")
    assert page.locator("#id_effective_on ~ .invalid-feedback, main .invalid-feedback").count() >= 1
    ep.assert_page_ok()
    assert _units_snapshot() == before


@pytest.fixture
def e2e_merged(e2e_org):
    """Cái Khế merged into Ninh Kiều through the service, as a command would."""
    from hoiso.org.services import units_merge

    restructuring = units_merge(actor=None, sources=[e2e_org.ck], target=e2e_org.nk,
                                effective_on=timezone.localdate(), check_scope=False)  # fmt: skip
    return restructuring


def test_restructuring_revert(e2e_page, e2e_org, e2e_merged, e2e_make_user, e2e_sign_in):
    from hoiso.org.models import Restructuring, Unit

    ep, page = e2e_page, e2e_page.page
    source_pk, target_pk = e2e_org.pks["ck"], e2e_org.pks["nk"]
    branch_pks = {e2e_org.pks["ck1"], e2e_org.pks["ck2"]}
    assert set(Unit.objects.filter(parent_id=target_pk).values_list("pk", flat=True)) >= branch_pks
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)

    ep.goto(f"/to-chuc/tai-cau-truc/{e2e_merged.pk}/")
    ep.assert_page_ok()
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.fill("#revert-note", "Quyết định bị hủy")
    page.locator("button[data-confirm]").click()
    page.wait_for_url(lambda url: not url.endswith(f"/tai-cau-truc/{e2e_merged.pk}/"))
    assert len(dialogs) == 1 and dialogs[0]
    revert = Restructuring.objects.get(reverts=e2e_merged)
    assert ep.path() == f"/to-chuc/tai-cau-truc/{revert.pk}/"
    assert (
        page.locator(f'.alert-info a[href="/to-chuc/tai-cau-truc/{e2e_merged.pk}/"]').count() == 1
    )
    ep.assert_page_ok()
    ep.shoot("restructuring_detail-revert")

    # The database is as before the merge.
    source = Unit.objects.get(pk=source_pk)
    assert source.active_to is None
    for branch in Unit.objects.filter(pk__in=branch_pks):
        assert branch.parent_id == source_pk
        assert branch.path.startswith(source.path)
    assert revert.note == "Quyết định bị hủy"

    # The merge's page now says it was reverted, and offers no second revert.
    ep.goto(f"/to-chuc/tai-cau-truc/{e2e_merged.pk}/")
    assert (
        page.locator(f'.alert-secondary a[href="/to-chuc/tai-cau-truc/{revert.pk}/"]').count() == 1
    )
    assert page.locator("button[data-confirm]").count() == 0
    ep.assert_page_ok()
    ep.shoot("restructuring_detail-reverted")

    # Cancelling the confirmation changes nothing.
    page.remove_listener("dialog", accept)
    page.on("dialog", lambda dialog: dialog.dismiss())
    ep.goto(f"/to-chuc/tai-cau-truc/{revert.pk}/")
    count = Restructuring.objects.count()
    if page.locator("button[data-confirm]").count():
        page.locator("button[data-confirm]").click()
        page.wait_for_timeout(500)
        assert ep.path() == f"/to-chuc/tai-cau-truc/{revert.pk}/"
        assert Restructuring.objects.count() == count
    ep.assert_clean()
