"""Uploaded member lists hold personal data: past the retention period their files and error
reports are deleted, the batch keeps its counts and can still be undone, and the pages say
why the file is gone."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from hoiso.core.models import AuditEntry
from hoiso.members.importing import services as imports
from hoiso.members.models import ImportBatch, Member
from hoiso.members.services import MemberError
from tests.members.test_import import BAD, GOOD, checked

pytestmark = pytest.mark.django_db


def _age(batch, days):
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_old_uploads_are_deleted_and_the_batch_stays(tree, xa_officer, capsys, settings):
    settings.HOISO_IMPORT_RETENTION_DAYS = 30
    done = checked(xa_officer, tree.a1, GOOD + BAD)
    imports.batch_import(actor=xa_officer, batch=done, mode="valid")
    done.refresh_from_db()
    files = [done.stored_name, done.outcome["report"]]
    assert all(default_storage.exists(name) for name in files)
    recent = checked(xa_officer, tree.a1, GOOD)
    _age(done, 31)
    call_command("members_import_purge")
    assert "1 import(s) older than 30 days" in capsys.readouterr().out
    done.refresh_from_db()
    assert not any(default_storage.exists(name) for name in files)
    assert done.stored_name == "" and done.outcome["rows"] == [] and done.rows_created == 3
    assert "samples" not in done.outcome  # the file's values go with it
    assert default_storage.exists(recent.stored_name)  # within the period: kept
    assert AuditEntry.objects.filter(action="member.import_purge").count() == 1
    # Undo needs only the records of what was written.
    assert imports.batch_undo(actor=xa_officer, batch=done) == 3
    assert not Member.objects.filter(status=Member.Status.ACTIVE).exists()


def test_a_purged_batch_cannot_be_checked_imported_or_reported(client, tree, xa_officer, settings):
    batch = checked(xa_officer, tree.a1, GOOD)
    _age(batch, settings.HOISO_IMPORT_RETENTION_DAYS + 1)
    imports.batches_purge()
    batch.refresh_from_db()
    with pytest.raises(MemberError):
        imports.batch_claim(actor=xa_officer, batch=batch)
    with pytest.raises(MemberError):
        imports.batch_map(actor=xa_officer, batch=batch, mapping=batch.mapping)
    client.force_login(xa_officer)
    response = client.get(reverse("members:import_report", args=[batch.pk]))
    assert response.status_code == 302
    with translation.override("vi"):
        page = client.get(reverse("members:import_detail", args=[batch.pk])).content.decode()
        assert imports.purged_refusal(batch) in page
        assert "hs-import-apply" not in page
