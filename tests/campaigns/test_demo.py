"""The demo's "Cao điểm 90 ngày đêm" drive on `manage.py demo --sample`."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoiso.campaigns.models import Campaign, Entry, Snapshot, Target
from hoiso.core import indicators
from hoiso.members import tally
from hoiso.org.models import Unit


@pytest.mark.django_db
def test_demo_drive_is_under_way():
    out = io.StringIO()
    call_command("demo", sample=True, stdout=out)
    log = out.getvalue()
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.RUNNING
    assert campaign.unit.code == "HPN-92" and campaign.target_kind == Unit.Kind.COMMUNE
    today = timezone.localdate()
    assert campaign.start == today - datetime.timedelta(days=40) and campaign.days == 90
    vneid = campaign.ordered_indicators()[0]
    assert vneid.computed_key == "members.vneid2"
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE, path__startswith=campaign.unit_path
                                   ).active()  # fmt: skip
    targets = dict(Target.objects.filter(indicator=vneid).values_list("unit_id", "value"))
    assert set(targets) == set(communes.values_list("pk", flat=True))
    members = tally.totals(communes)
    assert sum(targets.values()) == round(sum(members.values()) * 0.95)
    big, small = max(members, key=members.get), min(members, key=members.get)
    assert targets[big] >= targets[small]
    # 41 rising daily values per commune, ending at what the registry computes today
    home = Unit.objects.get(pk=big)
    curve = list(Snapshot.objects.filter(unit=home).order_by("day").values_list("value", flat=True))
    assert len(curve) == 41 and curve == sorted(curve) and curve[0] < curve[-1]
    now = indicators.evaluate(["members.vneid2"], unit=home, start=campaign.start, end=today)
    assert curve[-1] == now["members.vneid2"]
    assert Entry.objects.exists()
    # The builder says what it made and how long it took (the time is measured in
    # bench/demo_build.py, not asserted here: this machine is shared and noisy).
    assert re.search(r"campaigns: .*\n\s*\((\d+\.\d+) s\)", log), log
