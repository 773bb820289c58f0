"""The campaign pages: what each persona sees and may do, bad input on the forms, the chart's
data without inline script, and the final report's workbook read back."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hoiso.campaigns import services
from hoiso.campaigns.models import Campaign, Entry, Target
from hoiso.core.spreadsheets import read_table
from tests.helpers import today
from tests.members.helpers import nothing_changes

pytestmark = pytest.mark.django_db


def url(name, campaign, **kw):
    return reverse(f"campaigns:{name}", args=[campaign.pk], **kw)


def test_create_then_spread_then_start(tree, as_, xa_officer, vneid, sessions):
    client = as_(xa_officer)
    start = today()
    response = client.post(reverse("campaigns:create"), {
        "name": "Ngày hội VNeID", "description": "", "start": start.isoformat(),
        "end": (start + datetime.timedelta(days=29)).isoformat(), "target_kind": "branch",
        "indicators": [vneid.pk, sessions.pk]})  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == url("targets", campaign)
    response = client.post(url("targets", campaign),
                           {"indicator": vneid.pk, "total": "11", "rule": "equal"})  # fmt: skip
    assert response.status_code == 302
    assert sorted(Target.objects.values_list("value", flat=True)) == [5, 6]
    response = client.post(url("target_set", campaign),
                           {"indicator": sessions.pk, "unit": tree.a1.pk, "value": "7"})  # fmt: skip
    assert Target.objects.get(indicator=sessions).value == 7
    assert client.post(url("start", campaign)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING


def test_bad_spread_shows_the_message_and_writes_nothing(as_, xa_officer, campaign, vneid):
    client = as_(xa_officer)
    with nothing_changes(), translation.override("vi"):
        response = client.post(url("targets", campaign),
                               {"indicator": vneid.pk, "total": "-3", "rule": "equal"})  # fmt: skip
    assert response.status_code == 200
    assert vneid.name in response.content.decode()


def test_entry_form(tree, as_, xa_officer, running, sessions):
    client = as_(xa_officer)
    assert client.get(url("entry", running)).status_code == 200
    with nothing_changes():
        response = client.post(url("entry", running), {
            "unit": tree.a1.pk, "indicator": sessions.pk, "day": today().isoformat(),
            "value": "hai"})  # fmt: skip
    with translation.override("vi"):
        expected = _("“%(value)s” is not a number.") % {"value": "hai"}
    assert response.status_code == 200 and expected in response.content.decode()
    response = client.post(
        url("entry", running),
        {"unit": tree.a1.pk, "indicator": sessions.pk, "day": today().isoformat(), "value": "2"},
    )
    assert response.status_code == 302
    assert Entry.objects.get().value == 2


def test_detail_has_chart_data_and_no_inline_script(tree, as_, xa_officer, running, sessions):
    services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                       day=today(), value=3)  # fmt: skip
    content = as_(xa_officer).get(url("detail", running)).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", content, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _b in scripts)
    data = json.loads(re.search(r'id="campaign-data"[^>]*>(.*?)</script>', content, re.S)[1])
    assert len(data["days"]) == 10 and data["series"][1]["values"][-1] == 3
    assert 'data-overdue="1"' in content  # a2 has nothing yet: behind pace


def test_scoping(tree, as_, xa_officer_other, chi_hoi_leader, running):
    for name in ("detail", "report", "report_xlsx", "targets", "edit", "entry"):
        assert as_(xa_officer_other).get(url(name, running)).status_code == 404, name
    # the branch leader follows the campaign but does not manage it nor enter figures
    assert as_(chi_hoi_leader).get(url("detail", running)).status_code == 200
    for name in ("targets", "edit", "entry"):
        assert as_(chi_hoi_leader).get(url(name, running)).status_code == 404, name
    with nothing_changes():
        assert as_(xa_officer_other).post(url("close", running)).status_code == 404


def test_report_xlsx_reads_back(tree, as_, xa_officer, running, sessions, vneid):
    services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                       day=today(), value=4)  # fmt: skip
    response = as_(xa_officer).get(url("report_xlsx", running))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_table(response.content, "report.xlsx")
    rows = {row[0]: row for row in table.rows}
    a1 = rows[tree.a1.name]
    assert len(table.headers) == 2 + 6
    # sessions: target 10, reached 4, 40% (a rate cell: 0.4)
    assert [float(v) for v in a1[5:8]] == [10.0, 4.0, 0.4]
    assert float(rows[next(k for k in rows if k not in (tree.a1.name, tree.a2.name))][5]) == 20.0


def test_progress_page_queries_do_not_grow_with_units(tree, as_, xa_officer, data, vneid,
                                                      sessions):  # fmt: skip
    """Branches (2 units) and groups (3 units) cost the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_(xa_officer)
    counts = []
    for kind in ("branch", "group"):
        campaign = services.campaign_create(actor=xa_officer, unit=tree.a,
                                            data=data(target_kind=kind))  # fmt: skip
        for indicator in (vneid, sessions):
            services.targets_spread(actor=xa_officer, campaign=campaign, indicator=indicator,
                                    total=30, rule="equal")  # fmt: skip
        services.campaign_start(actor=xa_officer, campaign=campaign)
        services.snapshot_take(campaign=campaign)
        client.get(url("detail", campaign))  # warm the session and current-unit caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", campaign)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
