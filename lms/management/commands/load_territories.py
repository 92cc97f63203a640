"""Load the 30 académies and 101 départements from the reference data shipped in `lms/data/`."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lms.territories import territories_load


class Command(BaseCommand):
    help = "Crée ou met à jour les 30 académies et les 101 départements (dont les TNE)."

    def handle(self, *args, **options):
        counts = territories_load()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(academies)d académies, %(departements)d départements (dont %(tne)d TNE) : "
                    "%(created)d créés, %(updated)d mis à jour, %(unchanged)d inchangés."
                )
                % counts
            )
        )
