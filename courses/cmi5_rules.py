"""What a cmi5 launch token may send, beyond what binds it to its learner (xapi.http.binding).

The LRS checks what the specification lets an LMS check (cmi5 §6.3: it SHOULD reject statements
that conflict with §9; §7.1.3 "cmi5 defined" and "cmi5 allowed" statements):
- every statement carries the LaunchData contextTemplate (the session id, the publisher grouping);
- `initialized` comes first, nothing after `terminated` (the token then dies: 401);
- "cmi5 defined" ones (cmi5 category) use the content's verbs only, about the launched activity,
  each verb once in the session, `passed` or `failed` not both, `completed` and `passed` once per
  registration, `failed` never after `passed`, and results as §9.5 says (score, success,
  completion, duration, moveOn category, masteryScore);
- `LMS.LaunchData` and the learner preferences are Relais's: the content reads them.
Registered on the LRS by CoursesConfig.ready.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from xapi.http.errors import Forbidden, Unauthorized
from xapi.models import Document

from . import statements as st
from .cmi5 import (
    AU_VERBS,
    CATEGORY_CMI5,
    CATEGORY_MOVEON,
    EXT_SESSION_ID,
    LAUNCH_DATA,
    LEARNER_PREFERENCES,
    launch_activity_id,
    launch_data_read,
    launch_end,
    reported_verbs,
    session_statements,
)
from .models import Cmi5Launch

V = st.VERBS
# §9.5.4.1: the statements whose result must give a duration.
WITH_DURATION = {V["completed"], V["passed"], V["failed"], V["terminated"]}


def _refuse(message: str, rule: str, index: int, batch: bool, path: str = "") -> Forbidden:
    where = f"[{index}].{path}" if batch else path
    return Forbidden(message + " " + _("(Spécification cmi5.)"), rule=rule, path=where or None)


def _ids(activities) -> list:
    if isinstance(activities, dict):
        activities = [activities]
    return [a.get("id") for a in activities or [] if isinstance(a, dict)]


def _is_defined(statement: dict) -> bool:
    categories = ((statement.get("context") or {}).get("contextActivities") or {}).get("category")
    return CATEGORY_CMI5 in _ids(categories)


class LaunchTokenRules:
    """The rules xapi.http.binding runs for the clients cmi5_launch mints (others pass through)."""

    def _launch(self, client) -> Cmi5Launch | None:
        # One look-up per request: the credentials hold this Client instance throughout.
        if not hasattr(client, "_cmi5_launch"):
            client._cmi5_launch = (
                Cmi5Launch.objects.select_related("module", "user", "client").filter(client=client).first()
            )
        return client._cmi5_launch

    def client_alive(self, client) -> None:
        launch = self._launch(client)
        if launch is None:
            return
        if launch.ended_at is None and launch.expires_at <= timezone.now():
            launch_end(launch=launch, abandoned=True)
            raise Unauthorized(
                _("Ce lancement a expiré : le jeton ne vaut plus. Relancez le contenu depuis le module."),
                rule="cmi5_session_expired",
            )
        if launch.ended_at is not None:
            raise Unauthorized(
                _("Cette session est terminée : le jeton ne vaut plus. Relancez le contenu depuis le module."),
                rule="cmi5_session_ended",
            )

    def document_check(self, client, scope, document_id, method) -> None:
        launch = self._launch(client)
        if launch is None:
            return
        if scope.kind == Document.Kind.STATE:
            if scope.activity_id != launch_activity_id(launch):
                raise Forbidden(
                    _("Ce jeton n'accède qu'aux documents d'état du contenu lancé (paramètre « activityId »)."),
                    rule="cmi5_state_activity",
                    path="activityId",
                )
            if method != "GET" and document_id in (None, LAUNCH_DATA):
                raise Forbidden(
                    _(
                        "Le document LMS.LaunchData est écrit par Relais : le contenu le lit, il ne le modifie "
                        "ni ne le supprime (spécification cmi5, 10.2.1)."
                    ),
                    rule="cmi5_launch_data",
                    path="stateId",
                )
        if scope.kind == Document.Kind.AGENT_PROFILE and document_id == LEARNER_PREFERENCES and method != "GET":
            raise Forbidden(
                _(
                    "Les préférences de l'apprenant viennent de Relais (langue du site) : le contenu les lit "
                    "sans les modifier (spécification cmi5, 11)."
                ),
                rule="cmi5_learner_preferences",
                path="profileId",
            )

    def statements_check(self, client, statements: list) -> None:
        launch = self._launch(client)
        if launch is None:
            return
        data = launch_data_read(launch)
        if data is None:
            raise Forbidden(
                _("Les données de lancement de cette session n'existent plus : relancez le contenu depuis le module."),
                rule="cmi5_gone",
            )
        session = _Session(launch, data)
        batch = len(statements) > 1
        for index, statement in enumerate(statements):
            session.check(statement, index, batch)


class _Session:
    """The session's state as the store holds it, advanced statement by statement through a batch."""

    def __init__(self, launch: Cmi5Launch, launch_data: dict):
        self.launch = launch
        self.activity_id = launch_activity_id(launch)
        template = launch_data.get("contextTemplate") or {}
        self.publisher_ids = _ids((template.get("contextActivities") or {}).get("grouping"))
        self.mastery = launch_data.get("masteryScore")
        sent = [row.payload for row in session_statements(launch)]
        self.defined = {s["verb"]["id"] for s in sent if _is_defined(s)}
        self.in_registration = reported_verbs(launch=launch)
        self.terminated = False

    def check(self, statement: dict, index: int, batch: bool) -> None:
        def refuse(message, rule, path=""):
            return _refuse(message, rule, index, batch, path)

        context = statement.get("context") or {}
        activities = context.get("contextActivities") or {}
        if (context.get("extensions") or {}).get(EXT_SESSION_ID) != str(self.launch.session_id):
            raise refuse(
                _(
                    "Chaque déclaration porte l'identifiant de session du contextTemplate de LMS.LaunchData "
                    "(extension %(e)s)."
                )
                % {"e": EXT_SESSION_ID},
                "cmi5_session_id",
                "context.extensions",
            )
        if not set(self.publisher_ids) <= set(_ids(activities.get("grouping"))):
            raise refuse(
                _("Chaque déclaration garde le regroupement du contextTemplate de LMS.LaunchData (activité %(a)s).")
                % {"a": ", ".join(self.publisher_ids)},
                "cmi5_context_template",
                "context.contextActivities.grouping",
            )
        if self.terminated:
            raise refuse(_("Rien ne suit « terminated » dans une session."), "cmi5_after_terminated")
        verb = statement["verb"]["id"]
        defined = CATEGORY_CMI5 in _ids(activities.get("category"))
        if V["initialized"] not in self.defined and not (defined and verb == V["initialized"]):
            raise refuse(
                _("La première déclaration d'une session est « initialized » (avec la catégorie cmi5)."),
                "cmi5_initialized_first",
                "verb.id",
            )
        if not defined:
            if CATEGORY_MOVEON in _ids(activities.get("category")):
                raise refuse(
                    _("La catégorie moveOn n'appartient qu'aux déclarations « cmi5 defined »."),
                    "cmi5_moveon_category",
                    "context.contextActivities.category",
                )
            return  # "cmi5 allowed": any verb and object between initialized and terminated
        self._check_defined(statement, verb, refuse)
        self.defined.add(verb)
        if verb in (V["completed"], V["passed"]):
            self.in_registration.add("completed" if verb == V["completed"] else "passed")
        self.terminated = verb == V["terminated"]

    def _check_defined(self, statement: dict, verb: str, refuse) -> None:
        if verb not in AU_VERBS:
            raise refuse(
                _(
                    "Ce verbe n'est pas celui d'un contenu dans une déclaration « cmi5 defined » (initialized, "
                    "completed, passed, failed, terminated ; launched, satisfied, abandoned et waived sont ceux "
                    "du LMS)."
                ),
                "cmi5_verb",
                "verb.id",
            )
        obj = statement["object"]
        if obj.get("objectType", "Activity") != "Activity" or obj.get("id") != self.activity_id:
            raise refuse(
                _("Une déclaration « cmi5 defined » porte sur l'activité lancée (%(a)s).") % {"a": self.activity_id},
                "cmi5_object",
                "object.id",
            )
        if verb in self.defined:
            raise refuse(_("Ce verbe a déjà été envoyé dans cette session."), "cmi5_duplicate_verb", "verb.id")
        if verb in (V["passed"], V["failed"]) and {V["passed"], V["failed"]} & self.defined:
            raise refuse(
                _("« passed » et « failed » ne s'emploient pas tous deux dans une session."),
                "cmi5_passed_failed",
                "verb.id",
            )
        for name in ("completed", "passed"):
            if verb == V[name] and name in self.in_registration:
                raise refuse(
                    _("Ce contenu a déjà déclaré « %(v)s » pour cette inscription.") % {"v": name},
                    "cmi5_once_per_registration",
                    "verb.id",
                )
        if verb == V["failed"] and "passed" in self.in_registration:
            raise refuse(
                _("« failed » ne suit pas « passed » dans une inscription."), "cmi5_failed_after_passed", "verb.id"
            )
        self._check_result(statement, verb, refuse)

    def _check_result(self, statement: dict, verb: str, refuse) -> None:
        result = statement.get("result") or {}
        judged = verb in (V["passed"], V["failed"])
        if "score" in result and not judged:
            raise refuse(_("Seuls « passed » et « failed » portent un score."), "cmi5_result", "result.score")
        expected_success = {V["passed"]: True, V["failed"]: False}.get(verb)
        if result.get("success") != expected_success:
            message = (
                _("« success » vaut %(v)s dans cette déclaration.") % {"v": str(expected_success).lower()}
                if expected_success is not None
                else _("Seuls « passed » et « failed » portent « success ».")
            )
            raise refuse(message, "cmi5_result", "result.success")
        expected_completion = True if verb == V["completed"] else None
        if result.get("completion") != expected_completion:
            message = (
                _("« completion » vaut true dans « completed ».")
                if expected_completion
                else _("Seul « completed » porte « completion ».")
            )
            raise refuse(message, "cmi5_result", "result.completion")
        if verb in WITH_DURATION and "duration" not in result:
            raise refuse(_("Cette déclaration donne sa durée (result.duration)."), "cmi5_result", "result.duration")
        categories = _ids(((statement.get("context") or {}).get("contextActivities") or {}).get("category"))
        if ("success" in result or "completion" in result) != (CATEGORY_MOVEON in categories):
            raise refuse(
                _("La catégorie moveOn accompagne « success » ou « completion », et eux seuls."),
                "cmi5_moveon_category",
                "context.contextActivities.category",
            )
        scaled = (result.get("score") or {}).get("scaled")
        if self.mastery is None or scaled is None:
            return
        if (verb == V["passed"] and scaled < self.mastery) or (verb == V["failed"] and scaled >= self.mastery):
            raise refuse(
                _("Le score (%(s)s) contredit le score de maîtrise %(m)s de LMS.LaunchData.")
                % {"s": scaled, "m": self.mastery},
                "cmi5_mastery_score",
                "result.score.scaled",
            )
