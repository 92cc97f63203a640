from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.pix_import import PixFileError, pix_results_import


class Command(BaseCommand):
    help = "Import a Pix Orga results export (Pix or Pix+ Édu) as certified evidence. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--referentiel", default="crcn", choices=["crcn", "crcn-edu"])
        parser.add_argument("--id-column", default=None, help="the column holding the teachers' e-mail addresses")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, referentiel, id_column, dry_run, **options):
        try:
            report = pix_results_import(path=file, framework_slug=referentiel, id_column=id_column, dry_run=dry_run)
        except PixFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{report.rows} rows, {report.teachers} teachers, {report.statements} results"
            f"{' (dry run: nothing stored)' if dry_run else f', {report.new_statements} new statements'}."
        )
        for column in report.unmatched_columns:
            self.stdout.write(f"  column not matched to a competency: {column}")
        for line, reason in report.skipped:
            self.stdout.write(f"  line {line} skipped: {reason}")
        for line, reason in report.warnings:
            self.stdout.write(f"  line {line}: {reason}")
