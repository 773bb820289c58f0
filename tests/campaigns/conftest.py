"""A campaign of commune A (xa_officer's) over its two branches a1 and a2, on one computed
indicator (members with a level-2 VNeID account) and one entered one (sessions held)."""

from __future__ import annotations

import datetime

import pytest

from hoiso.campaigns import services
from hoiso.reporting.models import Indicator
from tests.helpers import today


@pytest.fixture
def vneid(db):
    return Indicator.objects.get(code="CDS_VNEID2")


@pytest.fixture
def sessions(db):
    return Indicator.objects.get(code="TT_BUOI")


@pytest.fixture
def data(vneid, sessions):
    def make(**overrides):
        start = today() - datetime.timedelta(days=9)
        return {"name": "Cao điểm 90 ngày đêm", "description": "", "start": start,
                "end": start + datetime.timedelta(days=89), "target_kind": "branch",
                "indicators": [vneid, sessions], **overrides}  # fmt: skip

    return make


@pytest.fixture
def campaign(tree, xa_officer, data):
    return services.campaign_create(actor=xa_officer, unit=tree.a, data=data())


@pytest.fixture
def running(campaign, xa_officer, vneid, sessions):
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=90,
                            rule="equal")  # fmt: skip
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=sessions, total=20,
                            rule="equal")  # fmt: skip
    return services.campaign_start(actor=xa_officer, campaign=campaign)


@pytest.fixture
def as_(client):
    def login(user):
        client.force_login(user)
        return client

    return login
