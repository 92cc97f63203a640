"""Who wrote a statement, and whether an administrator trusts that writer's statements as evidence.

The store stamps every statement's ``authority`` from the credentials that stored it: a client's
own ``authority`` is replaced (``services._prepare``), so a client cannot claim to be Relais, the
Pix import or another client. Writers are told apart by the account of that authority:

- Relais itself: ``{homePage: RELAIS_BASE_URL, name: "relais"}`` (``services.default_authority``),
  and the Pix import (``{..., name: "import-pix"}``, written by ``evidence.pix_import``);
- an LRS client: ``{homePage: RELAIS_BASE_URL + "/xapi/clients", name: <client key>}``;
- a pull source: ``{homePage: RELAIS_BASE_URL + "/xapi/sources", name: <source name>}``.

Each client and source carries an evidence policy (``Client.Evidence``); what it means for
learning evidence is the consumers' business (``evidence.trust``). This module only records a
change of policy and announces it after commit, so that a consumer can derive again what the
writer's statements gave.
"""

from __future__ import annotations

import json
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from xapi.errors import StatementValidationError
from xapi.http.auth import client_authority
from xapi.identity import agent_key
from xapi.models import Client
from xapi.signals import writer_trust_changed
from xapi.validation.agents import validate_actor

CLIENTS_PATH = "/xapi/clients"
SOURCES_PATH = "/xapi/sources"


def clients_home() -> str:
    """The homePage of client authorities, as `xapi.http.auth.client_authority` stamps them."""
    return settings.RELAIS_BASE_URL + CLIENTS_PATH


def sources_home() -> str:
    """The homePage of pull source authorities, as `xapi.forwarding.pull.source_authority` stamps them."""
    return settings.RELAIS_BASE_URL + SOURCES_PATH


def announce_trust_changed(authority: dict) -> None:
    """Tell consumers, once this transaction commits, that ``authority``'s statements count differently."""
    transaction.on_commit(partial(writer_trust_changed.send, sender=Client, authority=authority))


def bound_actor_parse(value) -> dict:
    """An actor to bind a client to: a Relais user's e-mail address (their pseudonymous account) or
    an xAPI Agent as JSON. Raises ValueError with a message a person can act on."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError(_("Indiquez l'acteur lié : l'adresse e-mail d'un utilisateur ou un agent xAPI en JSON."))
        if not text.startswith("{"):
            user = get_user_model().objects.filter(email__iexact=text).first()
            if user is None:
                raise ValueError(_("Aucun utilisateur avec l'adresse « %(e)s ».") % {"e": text})
            return user.xapi_actor()
        try:
            value = json.loads(text)
        except ValueError:
            raise ValueError(_("L'acteur lié n'est pas un JSON lisible.")) from None
    try:
        actor = validate_actor(value, "actor")
    except StatementValidationError as error:
        raise ValueError(_("L'acteur lié n'est pas un agent xAPI valide : %(m)s") % {"m": error.message}) from None
    if actor.get("objectType") == "Group":
        raise ValueError(_("Un client ne peut être lié qu'à un agent, pas à un groupe."))
    return actor


@transaction.atomic
def client_evidence_set(*, client: Client, evidence: str, bound_actor: dict | None = None) -> bool:
    """Set what a client's statements count for; True when it changed (its statements are then
    derived again after commit). BOUND needs ``bound_actor`` unless the client is bound already."""
    if evidence not in Client.Evidence.values:
        raise ValueError(_("Prise en compte inconnue : %(e)s") % {"e": evidence})
    client = Client.objects.select_for_update().get(pk=client.pk)
    if bound_actor is not None:
        bound_key = agent_key(bound_actor)
    else:
        bound_actor, bound_key = client.bound_actor, client.bound_actor_key
    if evidence == Client.Evidence.BOUND and not bound_key:
        raise ValueError(_("« Seulement pour l'acteur lié » demande un acteur lié."))
    changed = client.evidence != evidence or (evidence == Client.Evidence.BOUND and client.bound_actor_key != bound_key)
    client.evidence = evidence
    client.bound_actor, client.bound_actor_key = bound_actor, bound_key
    client.save(update_fields=["evidence", "bound_actor", "bound_actor_key"])
    if changed:
        announce_trust_changed(client_authority(client))
    return changed


@receiver(post_delete, sender=Client, dispatch_uid="xapi.trust.client_deleted")
def _client_deleted(sender, instance: Client, **kwargs):
    # Its statements stay; with no writer to trust, they count for nothing any more.
    if instance.evidence != Client.Evidence.NONE:
        announce_trust_changed(client_authority(instance))
