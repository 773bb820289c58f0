"""Rebuild the members' summary table from the records and report every difference.

manage.py members_tally            recount everything, store it, list what differed
manage.py members_tally --check    only compare; exit status 1 when anything differs
manage.py members_tally --unit CODE   only that unit's subtree (and the units above it)
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hoiso.members import tally
from hoiso.org.models import Unit

SHOWN = 50


class Command(BaseCommand):
    help = "Rebuild the members' summary table from the records and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only, write nothing")
        parser.add_argument("--unit", help="code of the unit whose subtree to recount")

    def handle(self, *args, check: bool, unit: str | None, **options):
        write = not check
        with transaction.atomic():
            if unit:
                found = Unit.objects.filter(code=unit).first()
                if found is None:
                    raise CommandError(f"No unit with code {unit!r}.")
                differences = tally.resync([found], write=write)
            else:
                differences = tally.rebuild(write=write)
        names = dict(
            Unit.objects.filter(pk__in={d.unit_id for d in differences}).values_list("pk", "name")
        )
        for d in differences[:SHOWN]:
            self.stdout.write(
                f"{names.get(d.unit_id, d.unit_id)}: {d.key} stored {d.stored}, counted {d.counted}"
            )
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN} more")
        verb = "found" if check else "repaired"
        self.stdout.write(f"{len(differences)} difference(s) {verb}.")
        if check and differences:
            raise SystemExit(1)
