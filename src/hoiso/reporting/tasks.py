"""Background work of reporting."""

from django_tasks import task

from hoiso.reporting.services import remind_due


@task()
def reporting_remind(days: int = 3) -> int:
    """The daily reminders (the same as `manage.py reporting_remind`)."""
    return remind_due(days=days)
