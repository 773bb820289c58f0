"""Bulk inserts of plain value rows, for the few writers that handle hundreds of thousands
of records at once (the member import, the demo, the benchmarks): they compute every stored
value themselves, as the services would, and hand the rows over here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain value rows into `model`'s table, in the order of `columns` (attnames such
    as "unit_id"), as fast as the database takes them: COPY on PostgreSQL, executemany on
    SQLite. Nothing is computed or checked here: the caller supplies every stored value (ids
    too when it gives the "id" column — then call reset_sequence(model) afterwards)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(column_of[c]) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        adapt = _sqlite_converters(model, columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list = []
        for row in rows:
            if adapt:
                row = list(row)
                for i, convert in adapt:
                    row[i] = convert(row[i])
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _sqlite_converters(model: type[models.Model], columns: list[str]):
    """(index, convert) for the date and datetime columns, as Django stores them in SQLite;
    memoised, since bulk rows repeat the same few dates and timestamps."""
    kinds = {f.attname: f for f in model._meta.concrete_fields}
    converters = []
    for i, column in enumerate(columns):
        field = kinds[column]
        if isinstance(field, models.DateTimeField):
            converters.append((i, _memo(connection.ops.adapt_datetimefield_value)))
        elif isinstance(field, models.DateField):
            converters.append((i, _memo(connection.ops.adapt_datefield_value)))
    return converters


def _memo(convert):
    seen: dict = {}

    def cached(value):
        if value is None:
            return None
        found = seen.get(value)
        if found is None:
            found = seen[value] = convert(value)
        return found

    return cached


def reset_sequence(model: type[models.Model]) -> None:
    """After inserting explicit ids: the next id the database gives follows the largest."""
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze(*models: type[models.Model]) -> None:
    """After a bulk load, let PostgreSQL's planner know the tables' new sizes (statistics are
    otherwise refreshed only by autovacuum, after the commit): a query in the same
    transaction — a summary recount, the foreign-key checks — planned for an empty table
    would join hundreds of thousands of rows the slow way. Allowed inside a transaction;
    samples, so it takes a fraction of a second. Nothing to do on SQLite."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
