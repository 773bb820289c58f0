"""`manage.py credit_check_balances`: recompute every cached balance (savings accounts, loans'
outstanding principal) from the postings and check that every entry balances. Lists each
difference and exits non-zero when there is any."""

import sys

from django.core.management.base import BaseCommand

from hoiso.credit.checks import differences


class Command(BaseCommand):
    help = "Check cached savings and loan balances against the ledger (exit 1 on differences)."

    def handle(self, *args, **options):
        found = differences()
        for d in found:
            self.stdout.write(f"{d.what} {d.label} (#{d.pk}): cached {d.cached}, ledger {d.ledger}")
        if found:
            self.stderr.write(f"{len(found)} difference(s)")
            sys.exit(1)
        self.stdout.write("credit balances: all equal to the ledger")
