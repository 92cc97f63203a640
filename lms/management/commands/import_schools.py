"""Import schools from an Annuaire de l'éducation CSV export (data.education.gouv.fr, fr-en-annuaire-education)."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.progress import Progress
from lms.schools_import import RowIssue, SchoolsFileError, SchoolsImportReport, rows_estimate, schools_import

# Beyond this many, only the counts per reason are printed (unless -v 2).
DETAILS_SHOWN = 30


class Command(BaseCommand):
    help = (
        "Importe les établissements d'un export CSV de l'Annuaire de l'éducation (séparateur « ; », UTF-8). "
        "Crée ou met à jour par UAI ; une seconde exécution ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV de l'Annuaire de l'éducation (fr-en-annuaire-education).")
        parser.add_argument(
            "--departement",
            dest="departements",
            action="extend",
            nargs="+",
            metavar="CODE",
            help="N'importer que ces départements (ex. 94, 2A, 971). Répétable.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier et compter, sans rien enregistrer.")
        parser.add_argument(
            "--lignes",
            dest="expected_rows",
            type=int,
            metavar="N",
            help=(
                "Nombre d'établissements annoncé par data.education.gouv.fr pour cet export (« N enregistrements ») : "
                "un fichier qui en compte un autre nombre est tronqué, rien n'est importé."
            ),
        )

    def handle(self, *args, file, departements, dry_run, expected_rows, verbosity, **options):
        total = expected_rows or rows_estimate(path=file)
        try:
            with Progress(total=total, label=_("lignes lues"), enabled=verbosity >= 1) as progress:
                report = schools_import(
                    path=file,
                    departements=departements,
                    dry_run=dry_run,
                    expected_rows=expected_rows,
                    progress=progress.update,
                )
        except SchoolsFileError as error:
            raise CommandError(str(error)) from error
        self._print_report(report=report, verbosity=verbosity)
        if expected_rows is None and verbosity >= 1:
            # A file cut on a line boundary looks complete: only the count announced by the source tells.
            self.stdout.write(
                _(
                    "Un fichier coupé entre deux lignes ne se voit pas : vérifiez que %(rows)d est le nombre "
                    "d'établissements annoncé pour cet export, ou donnez-le avec --lignes pour que l'import le vérifie."
                )
                % {"rows": report.rows}
            )

    def _print_report(self, *, report: SchoolsImportReport, verbosity: int) -> None:
        if report.dry_run:
            self.stdout.write(self.style.WARNING(_("Simulation (--dry-run) : rien n'a été enregistré.")))
        summary = _(
            "%(rows)d lignes lues : %(created)d créés, %(updated)d mis à jour, %(unchanged)d inchangés, "
            "%(skipped)d rejetées"
        ) % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": len(report.skipped),
        }
        if report.ignored:
            summary += _(", %(ignored)d hors des départements demandés") % {"ignored": report.ignored}
        self.stdout.write(self.style.SUCCESS(summary + "."))
        if report.absent_columns and verbosity >= 1:
            self.stdout.write(
                _("Colonnes absentes (champs laissés tels quels) : %(columns)s.")
                % {"columns": ", ".join(report.absent_columns)}
            )
        if report.circonscription_codes_derived and verbosity >= 1:
            self.stdout.write(
                _(
                    "Pas de colonne code_circonscription (export de 2023) : code de circonscription déduit du nom "
                    "pour %(count)d établissements (les codes déjà connus sont gardés)."
                )
                % {"count": report.circonscription_codes_derived}
            )
        self._print_issues(title=_("Lignes rejetées"), issues=report.skipped, verbosity=verbosity)
        self._print_issues(title=_("Avertissements"), issues=report.warnings, verbosity=verbosity)

    def _print_issues(self, *, title: str, issues: list[RowIssue], verbosity: int) -> None:
        if not issues or verbosity < 1:
            return
        self.stdout.write(f"{title} :")
        for label, count in Counter(issue.label for issue in issues).most_common():
            self.stdout.write(f"  {count} × {label}")
        shown = issues if verbosity >= 2 else issues[:DETAILS_SHOWN]
        for issue in shown:
            detail = f" ({issue.detail})" if issue.detail else ""
            line = _("ligne %(line)d") % {"line": issue.line}
            self.stdout.write(f"  {line}, UAI {issue.uai or '—'} : {issue.label}{detail}")
        if len(shown) < len(issues):
            self.stdout.write(
                _("  … et %(count)d autres (-v 2 pour tout afficher).") % {"count": len(issues) - len(shown)}
            )
