"""The audit log: who, what, which unit, from where; written by services in their transaction."""

import pytest
from django.urls import reverse

from hoiso.core import audit
from hoiso.core.context import client_ip
from hoiso.core.models import AuditEntry
from hoiso.core.permissions import Action
from hoiso.org.models import Population
from hoiso.org.services import OrgError, official_appoint, population_set
from tests.helpers import today

pytestmark = pytest.mark.django_db


def test_record_with_actor_and_object(tree, xa_officer):
    entry = audit.record(actor=xa_officer, action="unit.test", obj=tree.a1, details={"n": 1})
    entry.refresh_from_db()
    assert entry.actor == xa_officer
    assert entry.actor_name == "xa_officer"
    assert entry.action == "unit.test"
    assert entry.object_type == "org.unit"
    assert entry.object_id == str(tree.a1.pk)
    assert entry.object_repr == "Chi hội Khu vực 1"
    assert entry.unit_path == tree.a1.path  # a unit's own path
    assert entry.details == {"n": 1}
    assert entry.ip is None  # no request: a command or a task


def test_record_takes_unit_path_of_a_unit_record(tree, positions):
    official = official_appoint(actor=None, unit=tree.a2, full_name="Lê Thị Hoa",
                                position=positions["chi-hoi-truong"], term_start=2025,
                                term_end=2030, started_on=today(), check_scope=False)  # fmt: skip
    entry = audit.record(actor=None, action="official.test", obj=official)
    assert entry.unit_path == tree.a2.path


def test_record_explicit_unit_path_wins(tree):
    entry = audit.record(actor=None, action="x", obj=tree.a1, unit_path=tree.a.path)
    assert entry.unit_path == tree.a.path


def test_record_without_actor_is_the_system(tree, anonymous):
    for actor in (None, anonymous):
        entry = audit.record(actor=actor, action="system.test")
        assert entry.actor is None
        assert entry.actor_name == "system"
        assert entry.object_type == entry.object_id == entry.unit_path == ""


def test_record_reads_ip_from_context(tree):
    token = client_ip.set("198.51.100.4")
    try:
        entry = audit.record(actor=None, action="x")
    finally:
        client_ip.reset(token)
    assert entry.ip == "198.51.100.4"


def test_service_writes_audit_row_in_its_transaction(tree, xa_officer):
    record = population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=4321)
    entry = AuditEntry.objects.get(action="population.set")
    assert entry.actor == xa_officer
    assert entry.object_id == str(record.pk)
    assert entry.unit_path == tree.a.path
    assert entry.details == {"year": 2025, "women_18_plus": 4321, "created": True}


def test_failed_service_writes_no_audit_row(tree, xa_officer):
    before = AuditEntry.objects.count()
    with pytest.raises(OrgError):
        population_set(actor=xa_officer, unit=tree.b, year=2025, women_18_plus=4321)
    assert AuditEntry.objects.count() == before


class TestThroughARequest:
    """RequestContextMiddleware hands the client's address to the service that writes."""

    def post_population(self, client, tree, **extra):
        url = reverse("org:population_edit", args=[tree.a.pk])
        return client.post(url, {"year": 2025, "women_18_plus": 1500}, **extra)

    def test_ip_actor_and_unit_path(self, client, tree, xa_officer):
        client.force_login(xa_officer)
        response = self.post_population(client, tree)
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="population.set")
        assert entry.ip == "127.0.0.1"
        assert entry.actor == xa_officer
        assert entry.unit_path == tree.a.path
        assert Population.objects.get().women_18_plus == 1500

    def test_ip_from_the_reverse_proxy(self, client, tree, xa_officer):
        client.force_login(xa_officer)
        self.post_population(client, tree, HTTP_X_REAL_IP="203.0.113.7")
        assert AuditEntry.objects.get(action="population.set").ip == "203.0.113.7"

    def test_context_is_reset_after_the_request(self, client, tree, xa_officer):
        client.force_login(xa_officer)
        self.post_population(client, tree)
        assert client_ip.get() is None


@pytest.mark.portable
def test_audit_entries_are_scoped(tree, xa_officer, xa_officer_other, tinh_admin):
    audit.record(actor=None, action="x.a", obj=tree.a1)
    audit.record(actor=None, action="x.b", obj=tree.b1)
    seen_by = lambda user: set(  # noqa: E731
        AuditEntry.objects.visible_to(user, Action.VIEW_AUDIT).filter(action__startswith="x.")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert seen_by(xa_officer) == {"x.a"}
    assert seen_by(xa_officer_other) == {"x.b"}
    assert seen_by(tinh_admin) == {"x.a", "x.b"}
