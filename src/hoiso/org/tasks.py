"""Background work of the organisation app."""

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from hoiso.core import progress
from hoiso.core.spreadsheets import SpreadsheetError, read_table


@task()
def import_population(progress_id: str, stored_name: str, user_id: int, original_name: str) -> dict:
    """Read an uploaded population list and import it all-or-nothing, reporting progress."""
    from hoiso.accounts.models import User
    from hoiso.org.services import population_import

    with override("vi"):
        try:
            user = User.objects.get(pk=user_id)
            progress.step(progress_id, percent=5, message=_("Reading the file…"))
            with default_storage.open(stored_name, "rb") as handle:
                table = read_table(handle.read(), original_name)
            progress.step(
                progress_id, percent=20, message=_("Checking %(n)d rows…") % {"n": len(table.rows)}
            )

            def report(done: int, total: int) -> None:
                progress.step(
                    progress_id,
                    percent=20 + int(75 * done / max(total, 1)),
                    message=_("Saving row %(done)d of %(total)d…") % {"done": done, "total": total},
                )

            result = population_import(actor=user, table=table, on_progress=report)
        except SpreadsheetError as exc:
            progress.fail(progress_id, message=str(exc))
            return {"ok": False}
        except Exception:
            progress.fail(
                progress_id,
                message=_("The import stopped on an unexpected error; nothing was imported."),
            )
            raise
        finally:
            default_storage.delete(stored_name)
        if result.errors:
            progress.fail(
                progress_id,
                message=_("Nothing was imported: %(n)d rows have problems.")
                % {"n": len(result.errors)},
                result={"errors": result.errors[:500]},
            )
            return {"ok": False}
        progress.finish(
            progress_id,
            message=_("Imported %(rows)d rows: %(created)d new, %(updated)d updated.")
            % {"rows": result.rows, "created": result.created, "updated": result.updated},
            result={"created": result.created, "updated": result.updated},
        )
        return {"ok": True}
