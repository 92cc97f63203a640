"""External content launched as cmi5 defines it (AICC/CMI-5_Spec_Current), reporting to Relais's own LRS.

At launch Relais abandons the learner's previous session of this content if it is still open,
writes the `LMS.LaunchData` state document and the `cmi5LearnerPreferences` agent profile, records
`launched`, and mints an LRS client for this one session, bound to the learner and the
registration (xapi.http.binding) and checked against the cmi5 rules (cmi5_rules.py). The content
POSTs to the fetch URL once for `{"auth-token": base64(key:secret)}`. The client dies when the
content sends `terminated`, or when the launch outlives LAUNCH_LIFETIME (then Relais records
`abandoned`); it is deleted LAUNCH_CLIENT_RETENTION later (until then its token gets a 401 saying
the session is over), and it is never in the administrators' list of LRS clients. The content's
statements never count as evidence themselves (its client's evidence policy is "none"): when they
meet the step's moveOn, Relais records its own aligned `completed`, once, and `satisfied` for the
module once all its cmi5 contents are.
"""

import base64
import json
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xapi.documents import DocumentScope, Preconditions, document_get, document_put
from xapi.http.auth import client_create, temporary_clients_purge
from xapi.identity import agent_key
from xapi.models import Client, Document, Statement
from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, Cmi5Launch, ModulePage
from .services import enrollment_for, step_block, step_done

LAUNCH_LIFETIME = timedelta(hours=4)
# How long a dead launch token is kept (for its 401 to say why) before its client is deleted.
LAUNCH_CLIENT_RETENTION = timedelta(days=1)
CMI5_SCOPES = [
    Client.Scope.STATEMENTS_WRITE.value,
    Client.Scope.STATEMENTS_READ_MINE.value,
    Client.Scope.STATE.value,
    Client.Scope.PROFILE.value,
]
# cmi5 fetch URL error codes (cmi5 §8.2.3.2): 1 already in use or expired, 2 general security
# error (an unknown fetch URL among them). Each is answered with status 200 and a JSON body, as
# §8.2.2 asks of every fetch request, errors included.
FETCH_ALREADY_USED_OR_EXPIRED = "1"
FETCH_SECURITY = "2"

# The cmi5 vocabulary (cmi5 §9.6, §10, §11).
CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/"
EXT_SESSION_ID = _EXTENSION + "sessionid"
EXT_MASTERY_SCORE = _EXTENSION + "masteryscore"
EXT_LAUNCH_MODE = _EXTENSION + "launchmode"
EXT_LAUNCH_URL = _EXTENSION + "launchurl"
EXT_MOVE_ON = _EXTENSION + "moveon"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
# Relais launches every session "Normal": the content records satisfaction data.
LAUNCH_MODE = "Normal"
# The verbs a content sends in "cmi5 defined" statements; launched, abandoned, waived and
# satisfied are the LMS's own (cmi5 §9.3).
AU_VERBS = {st.VERBS[v] for v in ("initialized", "completed", "passed", "failed", "terminated")}
# moveOn (cmi5 §13.1.4): which reported verbs satisfy the AU; NotApplicable is satisfied at launch.
MOVE_ON = {
    "Completed": lambda verbs: "completed" in verbs,
    "Passed": lambda verbs: "passed" in verbs,
    "CompletedAndPassed": lambda verbs: {"completed", "passed"} <= verbs,
    "CompletedOrPassed": lambda verbs: bool({"completed", "passed"} & verbs),
    "NotApplicable": lambda verbs: True,
}


def au_activity_id(module: ModulePage, block) -> str:
    """The activityId Relais generates for the content: stable, and never the publisher's own id (§8.1.5)."""
    return f"{st.activity_iri(module, block.id)}/au"


def launch_activity_id(launch: Cmi5Launch) -> str:
    """The same, from the launch alone: no StreamField to load on every request of the content."""
    return f"{st.activity_iri(launch.module, launch.block_id)}/au"


def launch_data_read(launch: Cmi5Launch) -> dict | None:
    """The session's LMS.LaunchData as written at launch: what its rules are (§10)."""
    scope = DocumentScope(
        kind=Document.Kind.STATE,
        activity_id=launch_activity_id(launch),
        agent_key=agent_key(launch.user.xapi_actor()),
        registration=str(launch.registration),
    )
    document = document_get(scope=scope, document_id=LAUNCH_DATA)
    return json.loads(bytes(document.content)) if document is not None else None


def publisher_activity(block) -> dict:
    """The content's id as its publisher gave it (the block's IRI), in every statement's grouping (§9.6.2.3)."""
    return {"objectType": "Activity", "id": block.value["activity_id"]}


def context_template(launch: Cmi5Launch, block) -> dict:
    """What every statement of the session carries in its context (§10.2.1)."""
    return {
        "contextActivities": {"grouping": [publisher_activity(block)]},
        "extensions": {EXT_SESSION_ID: str(launch.session_id)},
    }


def mastery_score(block) -> float | None:
    value = block.value.get("mastery_score")
    return None if value in (None, "") else float(value)


def _launch_data(launch: Cmi5Launch, block, return_url: str) -> dict:
    data = {
        "contextTemplate": context_template(launch, block),
        "launchMode": LAUNCH_MODE,
        "moveOn": block.value["move_on"],
        "returnURL": return_url,
    }
    if mastery_score(block) is not None:
        data["masteryScore"] = mastery_score(block)
    return data


def _learner_preferences() -> dict:
    """The site's language first, then French; Relais has no audio setting, so audio stays on."""
    language = translation.get_language() or "fr"
    preference = "fr-FR" if language.startswith("fr") else f"{language},fr-FR"
    return {"languagePreference": preference, "audioPreference": "on"}


def _document_write(*, kind: str, activity_id: str, actor_key: str, registration: str, document_id: str, data: dict):
    document_put(
        scope=DocumentScope(kind=kind, activity_id=activity_id, agent_key=actor_key, registration=registration),
        document_id=document_id,
        content=json.dumps(data, ensure_ascii=False).encode(),
        content_type="application/json",
        preconditions=Preconditions(),
        require_preconditions=False,
    )


def cmi5_statement(*, launch: Cmi5Launch, block, verb: str, obj: dict | None = None, result=None, extensions=None):
    """A statement of Relais's own about the session, in the cmi5 context (§9.6): "cmi5 defined"."""
    user, module = launch.user, launch.module
    statement = st.build_statement(
        user=user,
        verb=verb,
        obj=obj or {"objectType": "Activity", "id": au_activity_id(module, block)},
        registration=launch.registration,
        result=result,
    )
    context = statement["context"]
    template = context_template(launch, block)
    context["contextActivities"] = {
        "category": [{"objectType": "Activity", "id": CATEGORY_CMI5}],
        **template["contextActivities"],
    }
    context["extensions"] = {**template["extensions"], **(extensions or {})}
    return statement


def launches_expire() -> int:
    """End the launches past their lifetime (their client dies, `abandoned` is recorded), and delete the
    clients of the sessions over for LAUNCH_CLIENT_RETENTION. Returns how many launches ended."""
    now = timezone.now()
    expired = list(Cmi5Launch.objects.filter(expires_at__lte=now, ended_at__isnull=True))
    for launch in expired:
        launch_end(launch=launch, abandoned=True)
    temporary_clients_purge(expired_before=now - LAUNCH_CLIENT_RETENTION)
    return len(expired)


@transaction.atomic
def cmi5_launch(*, user, module: ModulePage, block_id: str, base_url: str | None = None) -> str:
    """Prepare the session (LaunchData, preferences, `launched`) and return the content's launch URL."""
    launches_expire()
    block = step_block(module, block_id, ("external_xapi",))
    enrollment = enrollment_for(user=user, module=module)
    # §9.3.6: a new launch in the registration abandons the session still open.
    for previous in Cmi5Launch.objects.select_for_update().filter(
        user=user, module=module, block_id=block_id, ended_at__isnull=True
    ):
        launch_end(launch=previous, abandoned=True)
    actor = user.xapi_actor()
    client, secret = client_create(
        name=f"cmi5 — {block.value['title']}"[:200],
        scopes=CMI5_SCOPES,
        evidence=Client.Evidence.NONE,
        bound_actor=actor,
        bound_registration=enrollment.registration,
        expires_at=timezone.now() + LAUNCH_LIFETIME,
    )
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    launch = Cmi5Launch.objects.create(
        user=user,
        module=module,
        block_id=block_id,
        registration=enrollment.registration,
        client=client,
        client_key=client.key,
        pending_token=token,
        expires_at=client.expires_at,
    )
    base = (base_url or settings.RELAIS_BASE_URL).rstrip("/")
    activity_id = au_activity_id(module, block)
    url = block.value["launch_url"]
    if url.startswith("/"):
        url = base + url
    page = module.url or "/"
    return_url = (page if page.startswith("http") else base + page) + f"#activite-{block_id}"
    key = agent_key(actor)
    _document_write(
        kind=Document.Kind.STATE,
        activity_id=activity_id,
        actor_key=key,
        registration=str(enrollment.registration),
        document_id=LAUNCH_DATA,
        data=_launch_data(launch, block, return_url),
    )
    _document_write(
        kind=Document.Kind.AGENT_PROFILE,
        activity_id="",
        actor_key=key,
        registration="",
        document_id=LEARNER_PREFERENCES,
        data=_learner_preferences(),
    )
    extensions = {EXT_LAUNCH_MODE: LAUNCH_MODE, EXT_LAUNCH_URL: url, EXT_MOVE_ON: block.value["move_on"]}
    if mastery_score(block) is not None:
        extensions[EXT_MASTERY_SCORE] = mastery_score(block)
    launched = cmi5_statement(
        launch=launch,
        block=block,
        verb="launched",
        obj={
            "objectType": "Activity",
            "id": activity_id,
            "definition": {"name": {"fr-FR": block.value["title"]}, "type": st.ACTIVITY_TYPES["external"]},
        },
        extensions=extensions,
    )
    # Relais's own trail: the step and the course the content belongs to.
    launched["context"]["contextActivities"]["parent"] = [st.step_activity(module, block)]
    launched["context"]["contextActivities"]["grouping"].append(st.course_activity(module.course))
    statement_store(data=launched)
    if block.value["move_on"] == "NotApplicable":
        _au_satisfied(launch=launch, block=block)
    params = {
        "endpoint": f"{base}/xapi/",
        "fetch": base + reverse("courses:cmi5_fetch", args=[launch.fetch_id]),
        "actor": json.dumps(actor, separators=(",", ":")),
        "registration": str(enrollment.registration),
        "activityId": activity_id,
    }
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


def session_statements(launch: Cmi5Launch) -> list[Statement]:
    """What the content sent in this session (its client is the authority), oldest first."""
    if not launch.client_key:
        return []
    rows = Statement.objects.filter(
        actor_key=agent_key(launch.user.xapi_actor()),
        registration=launch.registration,
        stored__gte=launch.launched_at,
    ).order_by("stored")
    return [row for row in rows if ((row.authority or {}).get("account") or {}).get("name") == launch.client_key]


def _block(launch: Cmi5Launch):
    return launch.module.specific.activity(launch.block_id)


@transaction.atomic
def launch_end(*, launch: Cmi5Launch, abandoned: bool) -> None:
    """The session is over: its client dies; `abandoned` when the content never sent `terminated` (§9.3.6)."""
    launch = Cmi5Launch.objects.select_for_update().get(pk=launch.pk)
    if launch.ended_at is not None:
        return
    now = timezone.now()
    if launch.client_id:
        # Its time is over now: the token answers 401 "session over", and the client goes in a day.
        Client.objects.filter(pk=launch.client_id).update(is_active=False, expires_at=now)
    launch.ended_at = now
    launch.pending_token = ""
    launch.save(update_fields=["ended_at", "pending_token"])
    block = _block(launch)
    if not abandoned or block is None:
        return
    # §9.5.4.2: the session's length, from `launched` to the content's last statement.
    sent = session_statements(launch)
    last = sent[-1].stored if sent else launch.launched_at
    seconds = max(0, round((last - launch.launched_at).total_seconds()))
    statement_store(
        data=cmi5_statement(launch=launch, block=block, verb="abandoned", result={"duration": f"PT{seconds}S"})
    )


def reported_verbs(*, launch: Cmi5Launch) -> set[str]:
    """The verbs among completed and passed that the content reported in the registration ("cmi5 defined",
    sent with one of this learner's launch tokens for this step): what moveOn is judged on (§7.1.3)."""
    keys = set(
        Cmi5Launch.objects.filter(
            user=launch.user, module=launch.module, block_id=launch.block_id, registration=launch.registration
        )
        .exclude(client_key="")
        .values_list("client_key", flat=True)
    )
    wanted = {st.VERBS["completed"]: "completed", st.VERBS["passed"]: "passed"}
    rows = Statement.objects.filter(
        actor_key=agent_key(launch.user.xapi_actor()),
        registration=launch.registration,
        object_activity_id=launch_activity_id(launch),
        verb_id__in=list(wanted),
        voided=False,
    )
    verbs = set()
    for row in rows:
        categories = ((row.payload.get("context") or {}).get("contextActivities") or {}).get("category") or []
        defined = any(c.get("id") == CATEGORY_CMI5 for c in categories)
        if defined and ((row.authority or {}).get("account") or {}).get("name") in keys:
            verbs.add(wanted[row.verb_id])
    return verbs


def _au_satisfied(*, launch: Cmi5Launch, block) -> bool:
    """Mark the step done and record Relais's aligned `completed`, once; then `satisfied` for the module."""
    module, user = launch.module.specific, launch.user
    if not step_done(user=user, module=module, block=block):
        return False
    contents = [b.id for b in module.activities if b.block_type == "external_xapi"]
    finished = ActivityProgress.objects.filter(
        user=user, module=module, block_id__in=contents, status__in=ActivityProgress.DONE
    ).count()
    if finished == len(contents):
        # §9.3.9: every cmi5 content of the module (Relais's cmi5 "course") met its moveOn.
        course = {
            "objectType": "Activity",
            "id": f"{st.module_iri(module)}/cmi5",
            "definition": {"name": {"fr-FR": module.title}, "type": COURSE_TYPE},
        }
        satisfied = cmi5_statement(launch=launch, block=block, verb="satisfied", obj=course)
        satisfied["context"]["contextActivities"]["grouping"] = [st.module_activity(module)]
        statement_store(data=satisfied)
    return True


def cmi5_statements_stored(*, statement_ids: list[str]) -> list[str]:
    """After the content's statements are committed: apply moveOn, end the session at `terminated`.
    Returns the block ids newly done."""
    if not Cmi5Launch.objects.exists():
        # No session was ever launched (a deployment without cmi5 content, a peer LRS receiving a
        # forwarded stream): no statement can be a session's. One indexed probe instead of reading
        # a large batch's rows by id.
        return []
    # Authority and verb only: a large import of completions must not load every payload for nothing.
    rows = Statement.objects.filter(pk__in=statement_ids, verb_id__in=list(AU_VERBS)).values_list(
        "authority", "verb_id"
    )
    verbs_by_key: dict[str, set[str]] = {}
    for authority, verb_id in rows:
        key = ((authority or {}).get("account") or {}).get("name")
        if key:
            verbs_by_key.setdefault(key, set()).add(verb_id)
    if not verbs_by_key:
        return []
    launches = {launch.client_key: launch for launch in Cmi5Launch.objects.filter(client_key__in=verbs_by_key)}
    newly_done = []
    for key, launch in launches.items():
        verbs = verbs_by_key[key]
        with transaction.atomic():
            # One at a time per launch: two statements arriving together record one `completed`.
            launch = Cmi5Launch.objects.select_for_update().get(pk=launch.pk)
            block = _block(launch)
            reports = block is not None and verbs & {st.VERBS["completed"], st.VERBS["passed"]}
            # §9.3.3: moveOn as LaunchData gave it to the session.
            move_on = (launch_data_read(launch) or {}).get("moveOn") or (block.value["move_on"] if block else "")
            met = reports and MOVE_ON.get(move_on, MOVE_ON["Completed"])(reported_verbs(launch=launch))
            if met and _au_satisfied(launch=launch, block=block):
                newly_done.append(block.id)
            if st.VERBS["terminated"] in verbs:
                launch_end(launch=launch, abandoned=False)
    return newly_done
