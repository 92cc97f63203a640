"""What an LRS client bound to one learner may do (a cmi5 launch token, say).

A client with ``bound_actor`` speaks for that learner only: it writes statements whose actor is
the learner (in ``bound_registration`` when one is set) and that name nobody else; it never voids
(cmi5 6.3: the LMS must not give the content credentials that void); it reads only statements
about the learner and only the learner's documents; it writes no activity profile (one document
shared by every learner of the activity). Anything else is a 403 naming the rule.

Apps that mint bound clients add rules of their own through ``bound_rules_register`` (courses
checks the cmi5 session a launch token belongs to); xapi knows nothing of them. A rule object may
define ``client_alive(client)`` (raise Unauthorized once its session is over),
``statements_check(client, statements)`` and ``document_check(client, scope, document_id, method)``.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from xapi.documents import DocumentScope
from xapi.identity import agent_key, has_ifi
from xapi.models import Client, Document
from xapi.validation import validate_statement
from xapi.validation.verbs import VOIDED

from .errors import Forbidden

_rules: list = []


def bound_rules_register(rules) -> None:
    """Add an app's rules for the bound clients it mints (idempotent)."""
    if rules not in _rules:
        _rules.append(rules)


def _bound(credentials) -> Client | None:
    client = getattr(credentials, "client", None)
    return client if client is not None and client.bound_actor_key else None


def _run(name: str, *args, **kwargs) -> None:
    for rules in _rules:
        check = getattr(rules, name, None)
        if check is not None:
            check(*args, **kwargs)


def bound_client_alive(client: Client) -> None:
    """Called once the credentials are checked: an app may declare the client's session over (401)."""
    if client.bound_actor_key:
        _run("client_alive", client)


# --- statements: writes ---------------------------------------------------------------------------


def _is_learner(agent, client: Client) -> bool:
    if not isinstance(agent, dict) or agent.get("objectType") == "Group" or not has_ifi(agent):
        return False
    return agent_key(agent) == client.bound_actor_key


def _refuse(message: str, rule: str, index: int | None, path: str) -> Forbidden:
    where = f"[{index}].{path}" if index is not None else path
    return Forbidden(message, rule=rule, path=where)


def _check_about_learner(statement: dict, client: Client, index: int | None, prefix: str = "") -> None:
    """The actor is the learner; no other agent is named (object, instructor, team)."""
    if not _is_learner(statement.get("actor"), client):
        raise _refuse(
            _(
                "Ces identifiants sont liés à un seul apprenant : l'acteur de la déclaration doit être "
                "cet apprenant (%(actor)s)."
            )
            % {"actor": client.bound_actor_key},
            "bound_actor",
            index,
            prefix + "actor",
        )
    obj = statement.get("object") or {}
    kind = obj.get("objectType")
    if kind in ("Agent", "Group") and not _is_learner(obj, client):
        raise _refuse(
            _("Ces identifiants ne peuvent pas faire de déclaration sur une autre personne que leur apprenant."),
            "bound_other_agent",
            index,
            prefix + "object",
        )
    context = statement.get("context") or {}
    for name in ("instructor", "team"):
        if name in context:
            raise _refuse(
                _(
                    "Ces identifiants sont liés à un seul apprenant : ils ne peuvent pas nommer de formateur "
                    "ni d'équipe (context.%(name)s)."
                )
                % {"name": name},
                "bound_other_agent",
                index,
                prefix + "context." + name,
            )
    if kind == "SubStatement" and not prefix:
        _check_about_learner(obj, client, index, "object.")


def _bound_registration(client: Client) -> uuid.UUID | None:
    value = client.bound_registration
    return None if value is None else uuid.UUID(str(value))


def _check_registration(statement: dict, client: Client, index: int | None) -> None:
    if client.bound_registration is None:
        return
    value = (statement.get("context") or {}).get("registration")
    if value is None or uuid.UUID(value) != _bound_registration(client):
        raise _refuse(
            _("Ces identifiants sont liés à l'inscription %(r)s : context.registration doit la porter.")
            % {"r": client.bound_registration},
            "bound_registration",
            index,
            "context.registration",
        )


def statements_write_check(credentials, statements: list) -> None:
    """Refuse (403) a write a bound client may not make; validation errors come first (400)."""
    client = _bound(credentials)
    if client is None:
        return
    batch = len(statements) > 1
    for index, statement in enumerate(statements):
        at = index if batch else None
        validate_statement(statement, f"[{index}]" if batch else "")
        if statement["verb"]["id"] == VOIDED:
            raise _refuse(
                _("Ces identifiants ne peuvent pas annuler de déclaration (verbe voided) : seul le LMS le peut."),
                "bound_voiding",
                at,
                "verb.id",
            )
        _check_about_learner(statement, client, at)
        _check_registration(statement, client, at)
    _run("statements_check", client, statements)


def void_guard(credentials):
    """Who may void what, for the store: a client voids only what it wrote itself, unless the académie
    trusts it for any actor (evidence ANY). Otherwise any writer could hide, and withdraw downstream, the
    evidence of statements other systems wrote. Relais's own services (no client) are not limited."""
    client = credentials.client
    if client is None or client.evidence == client.Evidence.ANY:
        return None
    own = (credentials.authority or {}).get("account")
    return lambda target_authority: (target_authority or {}).get("account") == own


# --- statements: reads ----------------------------------------------------------------------------


def statements_read_limits(credentials) -> dict | None:
    """The access limits of a bound client (its learner, its registration), or None when not bound."""
    client = _bound(credentials)
    if client is None:
        return None
    limits = {"actor_key": client.bound_actor_key}
    if client.bound_registration is not None:
        limits["registration"] = _bound_registration(client)
    return limits


def statements_read_check(credentials, query) -> None:
    """A bound client asking for another agent's or another registration's statements: 403."""
    client = _bound(credentials)
    if client is None:
        return
    if query.agent_key is not None and query.agent_key != client.bound_actor_key:
        raise Forbidden(
            _("Ces identifiants ne lisent que les déclarations de leur apprenant (paramètre « agent »)."),
            rule="bound_read_agent",
            path="agent",
        )
    if (
        client.bound_registration is not None
        and query.registration is not None
        and query.registration != _bound_registration(client)
    ):
        raise Forbidden(
            _("Ces identifiants ne lisent que les déclarations de leur inscription (paramètre « registration »)."),
            rule="bound_read_registration",
            path="registration",
        )


def agent_check(credentials, key: str) -> None:
    """/xapi/agents: a bound client asks only about its learner."""
    client = _bound(credentials)
    if client is not None and key != client.bound_actor_key:
        raise Forbidden(
            _("Ces identifiants ne renseignent que sur leur apprenant (paramètre « agent »)."),
            rule="bound_read_agent",
            path="agent",
        )


# --- documents ------------------------------------------------------------------------------------


def document_check(credentials, scope: DocumentScope, document_id: str | None, *, method: str) -> None:
    """Documents of the learner only (state in its registration, agent profile); no activity profile writes."""
    client = _bound(credentials)
    if client is None:
        return
    if scope.kind == Document.Kind.ACTIVITY_PROFILE:
        if method != "GET":
            raise Forbidden(
                _(
                    "Ces identifiants ne peuvent pas modifier un profil d'activité : il est partagé par tous "
                    "les apprenants de l'activité."
                ),
                rule="bound_activity_profile",
            )
    else:
        if scope.agent_key != client.bound_actor_key:
            raise Forbidden(
                _("Ces identifiants n'accèdent qu'aux documents de leur apprenant (paramètre « agent »)."),
                rule="bound_document_agent",
                path="agent",
            )
        if (
            scope.kind == Document.Kind.STATE
            and client.bound_registration is not None
            and scope.registration != str(_bound_registration(client))
        ):
            raise Forbidden(
                _(
                    "Ces identifiants n'accèdent qu'aux documents d'état de leur inscription : donnez le "
                    "paramètre « registration » %(r)s."
                )
                % {"r": client.bound_registration},
                rule="bound_document_registration",
                path="registration",
            )
    _run("document_check", client, scope, document_id, method)
