"""Helpers for the reporting tests."""


def reporting_snapshot() -> dict[str, list]:
    """Every row the reporting services write."""
    from hoiso.reporting.models import Indicator, Period, PeriodCutOff

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "indicators": rows(Indicator, "code", "name", "description", "group", "order", "measure",
                           "rollup", "source", "computed_key", "decimal_places", "active",
                           "unit_id", "unit_path"),
        "indicator_history": list(Indicator.history.order_by("history_id").values_list("history_id", "id")),
        "periods": rows(Period, "kind", "year", "number", "counts_from", "cut_off"),
        "cut_offs": rows(PeriodCutOff, "kind", "day"),
    }  # fmt: skip


def with_reporting(snapshot):
    """`snapshot` extended with the reporting tables."""
    return lambda: {**snapshot(), **reporting_snapshot()}
