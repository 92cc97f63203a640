from django.core.management.base import BaseCommand

from evidence.services import competencies_rebuild


class Command(BaseCommand):
    help = "Derive all competency evidence and levels again from the stored statements."

    def handle(self, *args, **options):
        changed = competencies_rebuild()
        self.stdout.write(f"{changed} competency levels set.")
