"""``pull_now SOURCE_NAME``: import a source's new statements now, in this process."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xapi.forwarding.models import PullSource
from xapi.forwarding.pull import source_pull


class Command(BaseCommand):
    help = "Importe tout de suite les nouvelles déclarations d'une source xAPI."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Nom de la source.")

    def handle(self, *args, source, **options):
        found = PullSource.objects.filter(name=source).first()
        if found is None:
            raise CommandError(_("Aucune source nommée « %(name)s ».") % {"name": source})
        report = source_pull(source_id=found.pk)
        if report.skipped:
            raise CommandError(_("Une importation de cette source est déjà en cours."))
        self.stdout.write(
            _("importées : %(imported)d, doublons : %(duplicates)d, refusées : %(rejected)d, pages : %(pages)d")
            % report.__dict__
        )
        if report.error:
            raise CommandError(report.error)
