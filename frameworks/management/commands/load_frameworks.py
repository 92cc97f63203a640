from django.core.management.base import BaseCommand

from frameworks.services import frameworks_load_shipped


class Command(BaseCommand):
    help = "Load (or update) the CRCN and CRCN Édu frameworks shipped with Relais. Idempotent."

    def handle(self, *args, **options):
        for report in frameworks_load_shipped():
            self.stdout.write(
                f"{report.slug}: {report.domains} domains, {report.competencies} competencies, "
                f"{report.levels} levels ({report.created} new rows)"
            )
