"""Background work of savings and credit."""

import datetime

from django_tasks import task


@task()
def credit_month_end(on: str, unit_id: int | None = None) -> dict:
    """Month-end for `on` (YYYY-MM-DD) everywhere or in one unit's subtree (the same as
    `manage.py credit_month_end`)."""
    from hoiso.credit.monthend import month_end
    from hoiso.org.models import Unit

    unit = Unit.objects.get(pk=unit_id) if unit_id else None
    result = month_end(on=datetime.date.fromisoformat(on), unit=unit)
    return {"accrued": result.accrued, "penalties": result.penalties,
            "commission": result.commission, "snapshots": result.snapshots,
            "closed_units": result.closed_units}  # fmt: skip
