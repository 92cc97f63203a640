"""LRS clients from the shell: ``create NAME --scope SCOPE...``, ``list``, ``deactivate KEY``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xapi.http.auth import client_create
from xapi.models import Client


class Command(BaseCommand):
    help = "Crée, liste ou désactive les clients du LRS (identifiants HTTP Basic de /xapi/)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Nouveau client ; affiche sa clé et son secret une seule fois.")
        create.add_argument("name")
        create.add_argument(
            "--scope",
            dest="scopes",
            nargs="+",
            action="extend",
            required=True,
            help="Droits : " + ", ".join(Client.Scope.values),
        )
        actions.add_parser("list", help="Les clients, actifs ou non.")
        deactivate = actions.add_parser("deactivate", help="Désactive un client par sa clé.")
        deactivate.add_argument("key")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, scopes, **_options):
        unknown = sorted(set(scopes) - set(Client.Scope.values))
        if unknown:
            raise CommandError(
                _("Droits inconnus : %(unknown)s. Droits valides : %(valid)s")
                % {"unknown": ", ".join(unknown), "valid": ", ".join(Client.Scope.values)}
            )
        client, secret = client_create(name=name, scopes=scopes)
        # Exactly two lines, so scripts can read them; the secret cannot be shown again.
        self.stdout.write(f"key: {client.key}")
        self.stdout.write(f"secret: {secret}")

    def _list(self, **_options):
        for client in Client.objects.order_by("created_at", "id"):
            state = _("actif") if client.is_active else _("désactivé")
            self.stdout.write(f"{client.key}\t{state}\t{','.join(client.scopes)}\t{client.name}")

    def _deactivate(self, *, key, **_options):
        updated = Client.objects.filter(key=key).update(is_active=False)
        if not updated:
            raise CommandError(_("Aucun client avec la clé %(key)s.") % {"key": key})
        self.stdout.write(_("Client %(key)s désactivé.") % {"key": key})
