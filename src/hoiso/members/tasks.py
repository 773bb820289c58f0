"""Background work of the member registry: the import's dry run and the import itself."""

from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from hoiso.core import progress
from hoiso.core.spreadsheets import SpreadsheetError


def _reporter(progress_id: str, start: int, span: int, message: str):
    def report(done: int, total: int) -> None:
        progress.step(progress_id, percent=start + int(span * done / max(total, 1)),
                      message=message % {"done": done, "total": total})  # fmt: skip

    return report


def _tell(user, batch, message: str, *, ok: bool) -> None:
    """The official who started the work finds its outcome in her inbox, wherever she went
    meanwhile (in-app only: she is usually still on the page)."""
    from django.urls import reverse

    from hoiso.notifications.services import notify

    if user is None:
        return
    notify(recipients=[user], kind="members.import" if ok else "members.import_failed",
           title=_("%(file)s: %(outcome)s") % {"file": batch.file_name, "outcome": message},
           url=reverse("members:import_detail", args=[batch.pk]), unit=batch.unit, email=False)  # fmt: skip


def _run(progress_id: str, batch_id: int, user_id: int, work) -> dict:
    from hoiso.accounts.models import User
    from hoiso.members.models import ImportBatch
    from hoiso.members.services import MemberError

    with override("vi"):
        batch = ImportBatch.objects.select_related("unit").get(pk=batch_id)
        user = None
        try:
            user = User.objects.get(pk=user_id)
            progress.step(progress_id, percent=5, message=_("Reading the file…"))
            message, ok = work(user, batch)
        except (SpreadsheetError, MemberError) as exc:
            ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.FAILED)
            progress.fail(progress_id, message=str(exc))
            _tell(user, batch, str(exc), ok=False)
            return {"ok": False}
        except Exception:
            ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.FAILED)
            message = _("The import stopped on an unexpected error; nothing was imported.")
            progress.fail(progress_id, message=message)
            _tell(user, batch, message, ok=False)
            raise
        if not ok:  # all or nothing, and a row was wrong: nothing written
            progress.fail(progress_id, message=message)
            _tell(user, batch, message, ok=False)
            return {"ok": False}
        progress.finish(progress_id, message=message)
        _tell(user, batch, message, ok=True)
        return {"ok": True}


@task()
def check_members(progress_id: str, batch_id: int, user_id: int) -> dict:
    """The dry run of an import batch."""
    from hoiso.members.importing.services import batch_check

    def work(user, batch):
        batch_check(actor=user, batch=batch,
                    on_progress=_reporter(progress_id, 10, 85, _("Checking row %(done)d of %(total)d…")))  # fmt: skip
        return (_("Checked %(rows)d rows: %(new)d new, %(updated)d to update, %(same)d unchanged, "
                 "%(errors)d with problems.") % {"rows": batch.rows_total, "new": batch.rows_created,
                 "updated": batch.rows_updated, "same": batch.rows_unchanged, "errors": batch.rows_error}), True  # fmt: skip

    return _run(progress_id, batch_id, user_id, work)


@task()
def import_members(progress_id: str, batch_id: int, user_id: int, mode: str) -> dict:
    """The import of a checked batch."""
    from hoiso.members.importing.services import batch_import

    def work(user, batch):
        written = batch_import(actor=user, batch=batch, mode=mode,
                               on_progress=_reporter(progress_id, 10, 85, _("Saving row %(done)d of %(total)d…")))  # fmt: skip
        if not (written.created or written.updated) and written.failed:
            return _("Nothing was imported: %(n)d rows have problems.") % {
                "n": batch.rows_error
            }, False
        counts = {"new": written.created, "updated": written.updated, "same": written.unchanged,
                  "errors": batch.rows_error}  # fmt: skip
        if not batch.rows_error:
            return _(
                "Imported: %(new)d new, %(updated)d updated, %(same)d unchanged."
            ) % counts, True
        return (
            _(
                "Imported: %(new)d new, %(updated)d updated, %(same)d unchanged, %(errors)d rows "
                "with problems not imported."
            )
            % counts
        ), True

    return _run(progress_id, batch_id, user_id, work)
