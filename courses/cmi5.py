"""External xAPI content launched the cmi5 way, reporting to Relais's own LRS.

At launch Relais mints a short-lived LRS client for this one session (scopes: statements/write,
statements/read/mine, state) and passes the content `endpoint`, `fetch`, `actor`, `registration` and
`activityId` on its launch URL. The content POSTs to the fetch URL once to get
`{"auth-token": base64(key:secret)}`; a second fetch gets a cmi5 error structure. The client is
deactivated when the content sends `terminated` or when the launch expires.
"""

import base64
import json
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xapi.http.auth import client_create
from xapi.identity import agent_key
from xapi.models import Client, Statement
from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, Cmi5Launch, ModulePage
from .services import enrollment_for, module_context, step_block

LAUNCH_LIFETIME = timedelta(hours=4)
CMI5_SCOPES = [
    Client.Scope.STATEMENTS_WRITE.value,
    Client.Scope.STATEMENTS_READ_MINE.value,
    Client.Scope.STATE.value,
]
# cmi5 fetch URL error codes (cmi5 §8.2.3.2): 1 already in use or expired, 2 general security
# error (an unknown fetch URL among them). Each is answered with status 200 and a JSON body, as
# §8.2.2 asks of every fetch request, errors included.
FETCH_ALREADY_USED_OR_EXPIRED = "1"
FETCH_SECURITY = "2"


def launches_expire() -> int:
    """Deactivate the LRS clients of launches past their lifetime. Returns how many."""
    expired = Cmi5Launch.objects.filter(expires_at__lte=timezone.now(), ended_at__isnull=True)
    client_ids = list(expired.values_list("client_id", flat=True))
    Client.objects.filter(pk__in=[c for c in client_ids if c]).update(is_active=False)
    return expired.update(ended_at=timezone.now(), pending_token="")


@transaction.atomic
def cmi5_launch(*, user, module: ModulePage, block_id: str, base_url: str | None = None) -> str:
    """Record `launched` and return the content's launch URL with the cmi5 parameters."""
    launches_expire()
    block = step_block(module, block_id, ("external_xapi",))
    enrollment = enrollment_for(user=user, module=module)
    client, secret = client_create(name=f"cmi5 — {block.value['title']}"[:200], scopes=CMI5_SCOPES)
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    launch = Cmi5Launch.objects.create(
        user=user,
        module=module,
        block_id=block_id,
        registration=enrollment.registration,
        client=client,
        pending_token=token,
        expires_at=timezone.now() + LAUNCH_LIFETIME,
    )
    base = (base_url or settings.RELAIS_BASE_URL).rstrip("/")
    activity_id = block.value["activity_id"]
    statement_store(
        data=st.build_statement(
            user=user,
            verb="launched",
            obj={"objectType": "Activity", "id": activity_id, "definition": {"name": {"fr-FR": block.value["title"]}}},
            registration=enrollment.registration,
            parents=[st.step_activity(module, block)],
            grouping=[st.course_activity(module.course)],
        )
    )
    params = {
        "endpoint": f"{base}/xapi/",
        "fetch": base + reverse("courses:cmi5_fetch", args=[launch.fetch_id]),
        "actor": json.dumps(user.xapi_actor(), separators=(",", ":")),
        "registration": str(enrollment.registration),
        "activityId": activity_id,
    }
    url = block.value["launch_url"]
    if url.startswith("/"):
        url = base + url
    separator = "&" if urlsplit(url).query else "?"
    return url + separator + urlencode(params)


@transaction.atomic
def cmi5_fetch(*, fetch_id) -> tuple[int, dict]:
    """The fetch URL: the auth token once, then a cmi5 error structure."""
    launch = Cmi5Launch.objects.select_for_update().filter(fetch_id=fetch_id).first()
    if launch is None:
        return 200, {
            "error-code": FETCH_SECURITY,
            "error-text": _("Adresse de récupération inconnue : relancez le contenu depuis le module."),
        }
    if launch.fetched_at is not None or not launch.pending_token:
        return 200, {
            "error-code": FETCH_ALREADY_USED_OR_EXPIRED,
            "error-text": _(
                "Le jeton d'authentification a déjà été remis pour ce lancement : relancez le contenu depuis le module."
            ),
        }
    if launch.expires_at <= timezone.now():
        return 200, {
            "error-code": FETCH_ALREADY_USED_OR_EXPIRED,
            "error-text": _("Ce lancement a expiré : relancez le contenu depuis le module."),
        }
    token = launch.pending_token
    launch.pending_token = ""
    launch.fetched_at = timezone.now()
    launch.save(update_fields=["pending_token", "fetched_at"])
    return 200, {"auth-token": token}


SATISFYING = {
    "Completed": {"completed"},
    "Passed": {"passed"},
    "CompletedOrPassed": {"completed", "passed"},
}


@transaction.atomic
def cmi5_progress_sync(*, user, module: ModulePage) -> list[str]:
    """Mark the external activities whose content reported what their move-on condition asks, and record
    Relais's own aligned `completed` for each. Returns the block ids newly done."""
    done = set(
        ActivityProgress.objects.filter(user=user, module=module, status__in=ActivityProgress.DONE).values_list(
            "block_id", flat=True
        )
    )
    blocks = [b for b in module.activities if b.block_type == "external_xapi" and b.id not in done]
    if not blocks:
        return []
    enrollment = enrollment_for(user=user, module=module)
    actor = agent_key(user.xapi_actor())
    new = []
    for block in blocks:
        verbs = [st.VERBS[v] for v in SATISFYING.get(block.value["move_on"], {"completed", "passed"})]
        reported = Statement.objects.filter(
            actor_key=actor,
            verb_id__in=verbs,
            object_activity_id=block.value["activity_id"],
            registration=enrollment.registration,
            voided=False,
        ).exists()
        if not reported:
            continue
        ActivityProgress.objects.update_or_create(
            user=user, module=module, block_id=block.id, defaults={"status": ActivityProgress.Status.COMPLETED}
        )
        statement_store(
            data=st.build_statement(
                user=user,
                verb="completed",
                obj=st.step_activity(module, block),
                alignment=block.value["alignment"],
                result={"completion": True},
                **module_context(module=module, enrollment=enrollment),
            )
        )
        new.append(block.id)
    return new


def cmi5_terminated(*, statement_ids: list[str]) -> int:
    """Deactivate the clients of launches whose content sent `terminated`. Returns how many."""
    terminated = Statement.objects.filter(pk__in=statement_ids, verb_id=st.VERBS["terminated"])
    keys = {(s.authority or {}).get("account", {}).get("name") for s in terminated}
    keys.discard(None)
    if not keys:
        return 0
    Client.objects.filter(key__in=keys).update(is_active=False)
    return Cmi5Launch.objects.filter(client__key__in=keys, ended_at__isnull=True).update(ended_at=timezone.now())
