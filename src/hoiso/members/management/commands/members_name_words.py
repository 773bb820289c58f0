"""Recount the vocabulary of name words that misspelt searches are corrected against.

    manage.py members_name_words    every word of every member's name, with how many
                                    names bear it; words no name bears are removed

Run it after members were loaded without the services (a restore, a raw COPY), and nightly
to refresh the counts that rank equally close spellings and to drop the words of names
anonymised or corrected since.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from hoiso.members import names


class Command(BaseCommand):
    help = "Recount the words of members' names (the vocabulary search corrects against)."

    def handle(self, *args, **options):
        with transaction.atomic():
            words = names.recount()
        self.stdout.write(f"{words} name words.")
