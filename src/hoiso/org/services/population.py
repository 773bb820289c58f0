"""Recording the female population (women 18+) of units' areas, one by one or from a file."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import SpreadsheetError, Table, match_columns, parse_int
from hoiso.core.text import fold
from hoiso.org.models import AdministrativeArea, Population, Unit, common_path
from hoiso.org.services.units import OrgError, require

MAX_WOMEN = 5_000_000  # more than any province has

POPULATION_COLUMNS = {
    "code": (
        [
            "ma xa",
            "ma",
            "ma don vi hanh chinh",
            "ma dvhc",
            "ma xa/phuong",
            "ma xa phuong",
            "ma dia ban",
            "code",
        ],
        False,
    ),
    "name": (
        [
            "ten xa",
            "xa/phuong",
            "xa, phuong",
            "xa phuong",
            "ten don vi",
            "don vi",
            "dia ban",
            "ten dia ban",
            "name",
        ],
        False,
    ),
    "year": (["nam", "year"], True),
    "count": (
        [
            "so phu nu tu 18 tuoi",
            "phu nu tu 18 tuoi tro len",
            "so phu nu tu 18 tuoi tro len",
            "phu nu 18+",
            "so phu nu",
            "dan so nu tu 18 tuoi",
            "women 18+",
        ],
        True,
    ),
}


def _check_year(year: int | None) -> str | None:
    this_year = timezone.localdate().year
    if year is None or not 2000 <= year <= this_year + 1:
        return _("the year must be between 2000 and %(y)d") % {"y": this_year + 1}
    return None


@transaction.atomic
def population_set(*, actor, unit: Unit, year: int, women_18_plus: int) -> Population:
    """Enter (or correct) one area's figure for a year."""
    require(actor, Action.MANAGE_UNITS, unit.path)
    if unit.area is None:
        raise OrgError(
            _("%(unit)s has no administrative area; set it first.") % {"unit": unit.name}
        )
    if problem := _check_year(year):
        raise OrgError(problem[0].upper() + problem[1:] + ".")
    if not 0 <= women_18_plus <= MAX_WOMEN:
        raise OrgError(_("The number of women must be between 0 and 5,000,000."))
    record, created = Population.objects.update_or_create(
        area=unit.area,
        year=year,
        defaults={
            "unit": unit,
            "women_18_plus": women_18_plus,
            "source": Population.Source.ENTERED,
            "updated_by": actor,
        },
    )
    audit.record(
        actor=actor,
        action="population.set",
        obj=record,
        details={"year": year, "women_18_plus": women_18_plus, "created": created},
    )
    return record


@dataclass
class PopulationImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _units_by_area(actor) -> dict[int, Unit]:
    """The active units the actor may manage, by the area they cover."""
    units = Unit.objects.visible_to(actor, Action.MANAGE_UNITS).active().filter(area__isnull=False)
    return {u.area_id: u for u in units.order_by("depth")}


def _resolve_area(
    code, name, areas_by_code, areas_by_name
) -> tuple[AdministrativeArea | None, str | None]:
    if code not in (None, ""):
        text = str(parse_int(code) if parse_int(code) is not None else code).strip()
        area = areas_by_code.get(text) or areas_by_code.get(text.zfill(5))
        return (area, None) if area else (None, _("no commune has the code %(c)s") % {"c": text})
    if name in (None, ""):
        return None, _("the commune's code or name is missing")
    matches = areas_by_name.get(fold(str(name)), [])
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, _("no commune in your area is called “%(n)s”") % {"n": name}
    return None, _("several communes are called “%(n)s”; give the code") % {"n": name}


def population_validate(
    *, actor, table: Table
) -> tuple[list[tuple[Unit, AdministrativeArea, int, int]], list[str]]:
    """Check every row; return the rows to write and a Vietnamese error per bad row."""
    columns = match_columns(table.headers, POPULATION_COLUMNS)
    if "code" not in columns and "name" not in columns:
        raise SpreadsheetError(_("The file needs a column with the commune's code or its name."))
    units = _units_by_area(actor)
    areas = list(AdministrativeArea.objects.filter(pk__in=units))
    by_code = {a.code: a for a in areas}
    by_name: dict[str, list[AdministrativeArea]] = {}
    for area in areas:
        by_name.setdefault(area.name_folded, []).append(area)
    good, errors, seen = [], [], {}
    for offset, row in enumerate(table.rows):
        number = table.row_number(offset)

        def cell(key, row=row):
            return row[columns[key]] if key in columns else None

        area, problem = _resolve_area(cell("code"), cell("name"), by_code, by_name)
        year, count = parse_int(cell("year")), parse_int(cell("count"))
        problems = [p for p in (problem, _check_year(year)) if p]
        if count is None or not 0 <= count <= MAX_WOMEN:
            problems.append(_("the number of women must be a whole number from 0 to 5,000,000"))
        if area and year and (area.pk, year) in seen:
            problems.append(
                _("the same commune and year are already on row %(r)d")
                % {"r": seen[(area.pk, year)]}
            )
        if problems:
            errors.append(_("Row %(r)d: %(p)s.") % {"r": number, "p": "; ".join(problems)})
            continue
        seen[(area.pk, year)] = number
        good.append((units[area.pk], area, year, count))
    return good, errors


@transaction.atomic
def population_import(*, actor, table: Table, on_progress=None) -> PopulationImportResult:
    """Import a population list all-or-nothing: if any row is wrong nothing is written,
    and the result lists every wrong row."""
    good, errors = population_validate(actor=actor, table=table)
    result = PopulationImportResult(rows=len(table.rows), errors=errors)
    if errors or not good:
        if not good and not errors:
            result.errors = [_("The file has no data rows.")]
        return result
    existing = {
        (p.area_id, p.year): p
        for p in Population.objects.filter(
            area__in=[a for _u, a, _y, _c in good], year__in={y for _u, _a, y, _c in good}
        )
    }
    for index, (unit, area, year, count) in enumerate(good):
        if not user_can(
            actor, Action.MANAGE_UNITS, unit.path
        ):  # pragma: no cover - validated above
            raise OrgError(_("You may not change units outside your own unit and those below it."))
        record = existing.get((area.pk, year))
        if record is None:
            Population.objects.create(
                unit=unit,
                area=area,
                year=year,
                women_18_plus=count,
                source=Population.Source.IMPORTED,
                updated_by=actor,
            )
            result.created += 1
        else:
            record.unit, record.women_18_plus = unit, count
            record.source, record.updated_by = Population.Source.IMPORTED, actor
            record.save()
            result.updated += 1
        if on_progress and index % 50 == 0:
            on_progress(index, len(good))
    audit.record(
        actor=actor,
        action="population.import",
        unit_path=common_path([u.path for u, *_r in good]),
        details={"created": result.created, "updated": result.updated},
    )
    return result
