"""Background work of studies."""

from django_tasks import task

from hoiso.studies.services import remind_due


@task()
def studies_remind(days: int = 3) -> int:
    """The daily reminders (the same as `manage.py studies_remind`)."""
    return remind_due(days=days)
