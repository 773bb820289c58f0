"""Reporting fixtures: the shipped library of indicators, and a second province's admin."""

import importlib

import pytest

from tests.helpers import make_user


@pytest.fixture
def library(db):
    """The standard indicators. Their migration ships them, but a transactional test empties
    every table when it ends, so put them back when they are missing."""
    from django.apps import apps

    from hoiso.reporting.models import Indicator

    seed = importlib.import_module("hoiso.reporting.migrations.0002_standard_indicators")
    seed.ship(apps, None)
    return {i.code: i for i in Indicator.objects.filter(unit__isnull=True)}


@pytest.fixture
def q_admin(tree):
    """The administrator of the other province (Hồ Chí Minh City)."""
    return make_user("q_admin", full_name="Huỳnh Thị Nga", role="province_admin", unit=tree.q)


@pytest.fixture
def report_templates(library):
    """The national report templates (migration 0004), put back when a transactional test
    emptied them."""
    from django.apps import apps

    from hoiso.reporting.models import ReportTemplate

    seed = importlib.import_module("hoiso.reporting.migrations.0004_standard_templates")
    seed.ship(apps, None)
    return {
        "quarterly": ReportTemplate.objects.get(name=seed.QUARTERLY_NAME, unit__isnull=True),
        "yearly": ReportTemplate.objects.get(name=seed.YEARLY_NAME, unit__isnull=True),
    }
