"""Numbers given on issue: one sequence per unit × type × year, no gap, no duplicate — also
when two officials issue at the same moment (PostgreSQL, two connections)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from hoiso.documents.models import DocumentCounter, OutgoingDocument
from hoiso.documents.services import document_create, document_issue, next_number
from tests.documents.conftest import docx, draft_data

pytestmark = pytest.mark.django_db


def issue(actor, unit, on=None, **data):
    document = document_create(actor=actor, unit=unit, data=draft_data(**data), uploads=[docx()])
    return document_issue(actor=actor, document=document, on=on)


def test_numbers_follow_each_other_per_type_and_unit(tinh_admin, xa_officer, tree):
    assert [issue(tinh_admin, tree.p).symbol for _ in range(3)] == ["1/KH-HPN", "2/KH-HPN",
                                                                    "3/KH-HPN"]  # fmt: skip
    assert issue(tinh_admin, tree.p, doc_type="QD").symbol == "1/QĐ-HPN"
    assert issue(tinh_admin, tree.p, doc_type="CV").symbol == "1/CV-HPN"
    # another unit has its own sequence
    assert issue(xa_officer, tree.a, recipients_kind="branch").symbol == "1/KH-HPN"
    assert issue(tinh_admin, tree.p).symbol == "4/KH-HPN"


def test_a_new_year_starts_again_at_one(tinh_admin, tree):
    assert issue(tinh_admin, tree.p, on=datetime.date(2025, 12, 31)).number == 1
    assert issue(tinh_admin, tree.p, on=datetime.date(2025, 12, 31)).number == 2
    first = issue(tinh_admin, tree.p, on=datetime.date(2026, 1, 2))
    assert (first.number, first.year, first.issued_on) == (1, 2026, datetime.date(2026, 1, 2))


def test_a_branch_signs_with_its_own_abbreviation(chi_hoi_leader, tree):
    assert issue(chi_hoi_leader, tree.a1, doc_type="TB", recipients_kind="group").symbol == (
        "1/TB-CHPN"
    )


def test_a_refused_issue_takes_no_number(tinh_admin, tree, english):
    from hoiso.documents.services import DocumentError

    document = document_create(actor=tinh_admin, unit=tree.p, data=draft_data(), uploads=[])
    with pytest.raises(DocumentError, match="Attach the signed document"):
        document_issue(actor=tinh_admin, document=document)
    assert not DocumentCounter.objects.filter(last__gt=0).exists()
    assert issue(tinh_admin, tree.p).number == 1


def test_the_database_refuses_a_duplicate_number(tinh_admin, tree):
    first = issue(tinh_admin, tree.p)
    second = document_create(actor=tinh_admin, unit=tree.p, data=draft_data(), uploads=[])
    second.number, second.year, second.status = first.number, first.year, "issued"
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_a_counter_out_of_step_refuses_instead_of_reusing(tinh_admin, tree, english):
    from hoiso.documents.services import DocumentError

    issue(tinh_admin, tree.p)
    DocumentCounter.objects.update(last=0)  # e.g. restored from an older backup
    document = document_create(actor=tinh_admin, unit=tree.p, data=draft_data(), uploads=[docx()])
    with pytest.raises(DocumentError, match="already taken"):
        document_issue(actor=tinh_admin, document=document)
    document.refresh_from_db()
    assert document.is_draft and document.number is None
    assert not document.deliveries.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_officials_issuing_at_once_get_different_numbers(tinh_admin, tree):
    drafts = [document_create(actor=tinh_admin, unit=tree.p, data=draft_data(), uploads=[docx()])
              for _ in range(8)]  # fmt: skip
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(mine):
        try:
            barrier.wait()
            for document in mine:
                document_issue(actor=tinh_admin, document=document)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(drafts[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    assert DocumentCounter.objects.get().last == 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_the_counter_row_is_locked_until_the_issue_commits(tinh_admin, tree):
    """While one transaction holds the next number, another one waits for it."""
    with transaction.atomic():
        next_number(unit=tree.p, series="KH", year=2026)  # the row exists
    held, second = threading.Event(), []

    def other():
        held.wait()
        with transaction.atomic():
            second.append(next_number(unit=tree.p, series="KH", year=2026))
        connections.close_all()

    thread = threading.Thread(target=other)
    with transaction.atomic():
        first = next_number(unit=tree.p, series="KH", year=2026)
        thread.start()
        held.set()
        thread.join(timeout=1)
        assert thread.is_alive() and second == []  # blocked on the row lock
    thread.join(timeout=10)
    assert (first, second) == (2, [3])
    assert connection.vendor == "postgresql"
