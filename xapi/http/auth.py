"""Who is calling the LRS: an LRS client (HTTP Basic) or a teacher logged into the site.

Each process remembers an authenticated client for CLIENT_MEMO_SECONDS (``XAPI_CLIENT_MEMO_SECONDS``)
so that a client sending statement after statement does not cost a database look-up each time. The
secret is still checked on every request against the remembered hash, and a change saved in this
process (deactivation, trust, deletion) forgets the client at once; a change made by another
process is seen within CLIENT_MEMO_SECONDS. Each request gets a Client instance of its own, as from
the database: what a request hangs on it (the cmi5 launch) does not outlive the request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from xapi.identity import agent_key
from xapi.models import Client

from . import binding, throttle
from .errors import Forbidden, Unauthorized

Scope = Client.Scope

# What each kind of access needs: any one of these scopes.
WRITE_STATEMENTS = {Scope.ALL, Scope.STATEMENTS_WRITE}
READ_STATEMENTS = {Scope.ALL, Scope.ALL_READ, Scope.STATEMENTS_READ, Scope.STATEMENTS_READ_MINE}
WRITE_STATE = {Scope.ALL, Scope.STATE}
READ_STATE = {Scope.ALL, Scope.ALL_READ, Scope.STATE}
WRITE_PROFILE = {Scope.ALL, Scope.PROFILE}
READ_PROFILE = {Scope.ALL, Scope.ALL_READ, Scope.PROFILE}
READ_DEFINITIONS = {Scope.ALL, Scope.ALL_READ, Scope.DEFINE, Scope.PROFILE, Scope.STATEMENTS_READ}


CLIENT_MEMO_SECONDS = 2.0
_CLIENT_MEMO_MAX = 10_000
_CLIENT_FIELDS = [f.attname for f in Client._meta.concrete_fields]
# key -> (time.monotonic() until which it holds, the client's field values).
_clients: dict[str, tuple[float, tuple]] = {}


def secret_hash(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def client_create(
    *,
    name: str,
    scopes: list[str],
    evidence: str = Client.Evidence.NONE,
    bound_actor: dict | None = None,
    bound_registration=None,
    expires_at=None,
) -> tuple[Client, str]:
    """A new client and its secret; the secret is not stored and cannot be shown again.

    ``evidence`` says whether its statements count as learning evidence (none until an
    administrator says otherwise); ``bound_actor`` / ``bound_registration`` bind it to one learner;
    ``expires_at`` makes it temporary (a launch token): refused after that time, then deleted.
    """
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(_("Droits inconnus : %(s)s") % {"s": ", ".join(sorted(unknown))})
    if evidence not in Client.Evidence.values:
        raise ValueError(_("Prise en compte inconnue : %(e)s") % {"e": evidence})
    secret = secrets.token_urlsafe(32)
    client = Client.objects.create(
        name=name,
        key=secrets.token_hex(16),
        secret_hash=secret_hash(secret),
        scopes=sorted(set(scopes)),
        evidence=evidence,
        bound_actor=bound_actor,
        bound_actor_key=agent_key(bound_actor) if bound_actor else "",
        bound_registration=bound_registration,
        expires_at=expires_at,
    )
    return client, secret


def temporary_clients_purge(*, expired_before) -> int:
    """Delete the temporary clients (launch tokens) whose time ended before `expired_before`.

    A session that ends early sets its client's `expires_at` to that moment. Their statements keep
    the authority they were stamped with; the key then gets the plain 401 of an unknown client.
    Returns how many went.
    """
    return Client.objects.filter(expires_at__isnull=False, expires_at__lte=expired_before).delete()[0]


def client_authority(client: Client) -> dict:
    """The authority stamped on the statements a client sends."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": settings.RELAIS_BASE_URL + "/xapi/clients", "name": client.key},
    }


@dataclass
class Credentials:
    scopes: set[str]
    authority: dict
    client: Client | None = None
    user: object | None = None
    # With statements/read/mine only: the statements this caller may read are limited to these.
    mine_authority_key: str | None = None
    mine_actor_key: str | None = None
    extra: dict = field(default_factory=dict)

    def require(self, allowed: set[str]) -> None:
        if not self.scopes & set(allowed):
            raise Forbidden(_("Ces identifiants n'ont pas le droit de faire cette opération."), rule="scope")

    @property
    def reads_only_own(self) -> bool:
        broad = {Scope.ALL, Scope.ALL_READ, Scope.STATEMENTS_READ}
        return not (self.scopes & broad)


def authenticate(request, *, authorization: str | None) -> Credentials:
    """Credentials from an Authorization header, else from the site session; 401 otherwise."""
    if authorization:
        return _basic(authorization, address=request.META.get("REMOTE_ADDR") or "")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        actor = user.xapi_actor()
        return Credentials(
            scopes={Scope.STATEMENTS_READ_MINE},
            authority=actor,
            user=user,
            mine_actor_key=agent_key(actor),
        )
    raise Unauthorized(_("Identifiants requis : utilisez l'authentification HTTP Basic d'un client LRS."))


def _basic(authorization: str, *, address: str = "") -> Credentials:
    scheme, _sep, value = authorization.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise Unauthorized(_("Seule l'authentification HTTP Basic est acceptée."), rule="auth_scheme")
    try:
        key, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        message = _("En-tête Authorization illisible (Basic base64 attendu).")
        raise Unauthorized(message, rule="auth_malformed") from None
    if not sep or "\x00" in key:
        # A NUL in the key would reach the database, which cannot compare text holding one.
        raise Unauthorized(_("En-tête Authorization illisible (clé:secret attendu)."), rule="auth_malformed")
    throttle.login_allowed(key=key, address=address)
    hashed = secret_hash(secret)
    client = _remembered(key, hashed)
    if client is None:
        client = Client.objects.filter(key=key).first()
        if client is None or not hmac.compare_digest(client.secret_hash, hashed):
            throttle.login_failed(key=key, address=address)
            raise Unauthorized(_("Clé ou secret incorrect, ou client désactivé."), rule="bad_credentials")
        if client.is_active:
            _remember(client)
    if client.expires_at is not None and (not client.is_active or client.expires_at <= timezone.now()):
        # Checked here, not only by the app that minted it: the token dies on time even if nothing ran.
        binding.bound_client_alive(client)  # the app may record the end of the session first
        raise Unauthorized(
            _("Ce jeton de lancement a expiré ou sa session est terminée : relancez le contenu depuis Relais."),
            rule="launch_token_expired",
        )
    if not client.is_active:
        throttle.login_failed(key=key, address=address)
        raise Unauthorized(_("Clé ou secret incorrect, ou client désactivé."), rule="bad_credentials")
    binding.bound_client_alive(client)  # a launch token dies with its session (terminated, expired)
    authority = client_authority(client)
    return Credentials(
        scopes=set(client.scopes),
        authority=authority,
        client=client,
        mine_authority_key=agent_key(authority),
    )


def _remembered(key: str, hashed: str) -> Client | None:
    """A fresh instance of the client this process authenticated less than CLIENT_MEMO_SECONDS ago,
    when ``hashed`` is its secret's hash; None otherwise (the database decides)."""
    memo = _clients.get(key)
    if memo is None or memo[0] <= time.monotonic():
        return None
    values = memo[1]
    if not hmac.compare_digest(values[_SECRET_HASH], hashed):
        return None
    return Client.from_db(Client.objects.db, _CLIENT_FIELDS, values)


_SECRET_HASH = _CLIENT_FIELDS.index("secret_hash")


def _remember(client: Client) -> None:
    if len(_clients) >= _CLIENT_MEMO_MAX:
        _clients.clear()
    seconds = getattr(settings, "XAPI_CLIENT_MEMO_SECONDS", CLIENT_MEMO_SECONDS)
    _clients[client.key] = (time.monotonic() + seconds, tuple(getattr(client, name) for name in _CLIENT_FIELDS))


@receiver(post_save, sender=Client, dispatch_uid="xapi.http.auth.client_saved")
@receiver(post_delete, sender=Client, dispatch_uid="xapi.http.auth.client_deleted")
def _client_changed(sender, instance: Client, **kwargs) -> None:
    _clients.pop(instance.key, None)
