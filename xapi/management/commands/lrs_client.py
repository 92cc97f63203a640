"""LRS clients from the shell: ``create NAME --scope SCOPE... [--evidence any|bound|none [--actor A]]``,
``list``, ``evidence KEY any|bound|none [--actor A]``, ``deactivate KEY``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xapi.http.auth import client_create
from xapi.models import Client
from xapi.trust import bound_actor_parse, client_evidence_set

EVIDENCE_HELP = (
    "Ce que ses déclarations comptent dans les niveaux des enseignants : any (pour tout acteur : un système de "
    "confiance de l'académie), bound (seulement pour l'acteur lié, --actor), none (jamais ; par défaut)."
)
ACTOR_HELP = "Acteur lié (avec --evidence bound) : l'e-mail d'un utilisateur de Relais ou un agent xAPI en JSON."


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
        create.add_argument(
            "--evidence", choices=Client.Evidence.values, default=Client.Evidence.NONE, help=EVIDENCE_HELP
        )
        create.add_argument("--actor", help=ACTOR_HELP)
        actions.add_parser("list", help="Les clients, actifs ou non, avec leur prise en compte comme preuve.")
        evidence = actions.add_parser(
            "evidence", help="Change la prise en compte d'un client ; ses déclarations sont à nouveau dérivées."
        )
        evidence.add_argument("key")
        evidence.add_argument("evidence", choices=Client.Evidence.values, help=EVIDENCE_HELP)
        evidence.add_argument("--actor", help=ACTOR_HELP)
        deactivate = actions.add_parser("deactivate", help="Désactive un client par sa clé.")
        deactivate.add_argument("key")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _actor(self, actor: str | None, evidence: str) -> dict | None:
        if actor is None:
            return None
        if evidence != Client.Evidence.BOUND:
            raise CommandError(_("--actor ne sert qu'avec la prise en compte « bound »."))
        try:
            return bound_actor_parse(actor)
        except ValueError as error:
            raise CommandError(str(error)) from None

    def _create(self, *, name, scopes, evidence, actor, **_options):
        unknown = sorted(set(scopes) - set(Client.Scope.values))
        if unknown:
            raise CommandError(
                _("Droits inconnus : %(unknown)s. Droits valides : %(valid)s")
                % {"unknown": ", ".join(unknown), "valid": ", ".join(Client.Scope.values)}
            )
        bound_actor = self._actor(actor, evidence)
        if evidence == Client.Evidence.BOUND and bound_actor is None:
            raise CommandError(_("« bound » demande un acteur lié : --actor EMAIL ou --actor JSON."))
        client, secret = client_create(name=name, scopes=scopes, evidence=evidence, bound_actor=bound_actor)
        # Exactly two lines, so scripts can read them; the secret cannot be shown again.
        self.stdout.write(f"key: {client.key}")
        self.stdout.write(f"secret: {secret}")

    def _list(self, **_options):
        for client in Client.objects.order_by("created_at", "id"):
            state = _("actif") if client.is_active else _("désactivé")
            evidence = client.evidence + (f"={client.bound_actor_key}" if client.bound_actor_key else "")
            self.stdout.write(f"{client.key}\t{state}\t{','.join(client.scopes)}\t{evidence}\t{client.name}")

    def _evidence(self, *, key, evidence, actor, **_options):
        client = Client.objects.filter(key=key).first()
        if client is None:
            raise CommandError(_("Aucun client avec la clé %(key)s.") % {"key": key})
        try:
            changed = client_evidence_set(client=client, evidence=evidence, bound_actor=self._actor(actor, evidence))
        except ValueError as error:
            raise CommandError(str(error)) from None
        if changed:
            self.stdout.write(
                _("Client %(key)s : %(e)s ; ses déclarations sont à nouveau dérivées.") % {"key": key, "e": evidence}
            )
        else:
            self.stdout.write(_("Client %(key)s : %(e)s, inchangé.") % {"key": key, "e": evidence})

    def _deactivate(self, *, key, **_options):
        updated = Client.objects.filter(key=key).update(is_active=False)
        if not updated:
            raise CommandError(_("Aucun client avec la clé %(key)s.") % {"key": key})
        self.stdout.write(_("Client %(key)s désactivé.") % {"key": key})
