from django.core.management.base import BaseCommand

from evaluation.refresh import evaluation_refresh


class Command(BaseCommand):
    help = "Rebuild the evaluation's derived tables (funnels, item analysis, effect on levels)."

    def handle(self, *args, **options):
        seconds = evaluation_refresh()
        self.stdout.write(f"evaluation refreshed in {seconds:.1f} s")
