"""``forward_backfill TARGET_NAME --since 2026-01-01``: forward every stored statement since a date."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from lms.progress import Progress
from xapi.forwarding.models import ForwardTarget
from xapi.forwarding.outbox import target_backfill
from xapi.models import Statement


class Command(BaseCommand):
    help = "Met en file d'envoi vers une cible toutes les déclarations enregistrées depuis une date."

    def add_arguments(self, parser):
        parser.add_argument("target", help="Nom de la cible de transfert.")
        parser.add_argument("--since", required=True, help="Date (AAAA-MM-JJ) ou date et heure ISO 8601.")

    def handle(self, *args, target, since, verbosity, **options):
        try:
            forward_target = ForwardTarget.objects.get(name=target)
        except ForwardTarget.DoesNotExist:
            raise CommandError(_("Aucune cible nommée « %(name)s ».") % {"name": target}) from None
        moment = parse_datetime(since)
        if moment is None:
            day = parse_date(since)
            if day is None:
                raise CommandError(_("Date illisible : %(value)s") % {"value": since})
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        total = Statement.objects.filter(stored__gte=moment).count() if verbosity >= 1 else None
        with Progress(total=total, label=_("déclarations lues"), enabled=verbosity >= 1) as progress:
            added = target_backfill(target=forward_target, since=moment, progress=progress.update)
        self.stdout.write(
            _("%(count)d déclarations mises en file pour « %(name)s ».") % {"count": added, "name": target}
        )
