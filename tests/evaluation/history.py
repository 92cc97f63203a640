"""A hand-built history whose right answers are known (see each test)."""

import uuid
from datetime import UTC, date, datetime, time

from courses.models import CourseCompetency, CoursePage, ModulePage
from courses.statements import activity_iri, course_iri, module_iri
from evidence.models import Evidence
from frameworks.models import Competency
from lms.models import Academie, Departement, Membership
from tests.conftest import CONTENT, QUIZ, make_school, make_user
from xapi.services import statement_store

ADL = "http://adlnet.gov/expapi/verbs/"
SESSION = {
    "type": "in_person_session",
    "value": {
        "title": "Atelier",
        "date": "2026-01-05",
        "start_time": "14:00:00",
        "end_time": "17:00:00",
        "capacity": 12,
        "place": "Cergy",
        "description": "<p>Atelier.</p>",
        "alignment": {"framework": "crcn-edu", "competencies": ["crcn-edu/3.1"], "level": 3},
    },
}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=UTC)


def say(
    user, verb: str, iri: str, when: datetime, *, result=None, definition=None, grouping=(), parent=(), authority=None
):
    obj = {"objectType": "Activity", "id": iri}
    if definition:
        obj["definition"] = definition
    context = {}
    if grouping or parent:
        context["contextActivities"] = {}
        if grouping:
            context["contextActivities"]["grouping"] = [{"id": i} for i in grouping]
        if parent:
            context["contextActivities"]["parent"] = [
                {"id": i, "definition": {"name": {"fr-FR": "Questionnaire de fin"}}} for i in parent
            ]
    data = {
        "id": str(uuid.uuid4()),
        "actor": user.xapi_actor(),
        "verb": {"id": ADL + verb},
        "object": obj,
        "timestamp": when.isoformat(),
        "context": context,
    }
    if result is not None:
        data["result"] = result
    return statement_store(data=data, authority=authority)  # None: Relais itself


def certified(user, competency, level: int, day: str):
    Evidence.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        competency=competency,
        level=level,
        kind="certified",
        occurred_at=at(day),
    )


class History:
    """Five enrolled teachers (u1–u4 in school A of the 95, u5 in school B of the 02), three colleagues
    of school A who did not enrol (c1–c3), one course with one module (content, quiz, session)."""

    def __init__(self, module: ModulePage):
        self.module = ModulePage.objects.get(pk=module.pk)
        self.module.activities = [CONTENT, QUIZ, SESSION]
        self.module.save_revision().publish()
        self.module = ModulePage.objects.get(pk=module.pk)
        self.course = CoursePage.objects.get(pk=self.module.get_parent().pk)
        self.competency = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
        CourseCompetency.objects.create(course=self.course, competency=self.competency, target_level=3)
        academie = Academie.objects.create(code="20", name="Amiens")
        self.dep95 = Departement.objects.get(code="95")
        self.dep02 = Departement.objects.create(code="02", name="Aisne", academie=academie, is_tne=True)
        school_a = make_school(self.dep95, "0951001X", "École A")
        school_b = make_school(self.dep02, "0021001X", "École B")
        self.users = {}
        for name, school in [("u1", school_a), ("u2", school_a), ("u3", school_a), ("u4", school_a), ("u5", school_b)]:
            self.users[name] = make_user(f"{name}@example.fr")
            Membership.objects.create(user=self.users[name], school=school)
        for name in ("c1", "c2", "c3"):
            self.users[name] = make_user(f"{name}@example.fr")
            Membership.objects.create(user=self.users[name], school=school_a)
        blocks = {b.block_type: b.id for b in self.module.activities}
        self.course_iri = course_iri(self.course)
        self.module_iri = module_iri(self.module)
        self.content_iri = activity_iri(self.module, blocks["content_step"])
        self.quiz_iri = activity_iri(self.module, blocks["quiz"])
        self.session_iri = activity_iri(self.module, blocks["in_person_session"])

    def build(self):
        u = self.users
        for name in ("u1", "u2", "u3", "u4", "u5"):
            say(u[name], "registered", self.course_iri, at("2026-01-02"))
        for name, minutes in (("u1", 10), ("u2", 20), ("u3", 30), ("u4", None)):
            say(u[name], "launched", self.module_iri, at("2026-01-03"))
            say(
                u[name],
                "completed",
                self.content_iri,
                at("2026-01-03", 11),
                result={"completion": True, **({"duration": f"PT{minutes}M"} if minutes else {})},
            )
        q1, q2 = f"{self.quiz_iri}/questions/1", f"{self.quiz_iri}/questions/2"
        first = {"u1": ("0", True, "0[,]2", True), "u2": ("0", True, "0", False), "u3": ("1", False, "1", False)}
        first["u4"] = ("0", True, "0[,]2", True)
        for name, (r1, s1, r2, s2) in first.items():
            say(u[name], "answered", q1, at("2026-01-04"), result={"response": r1, "success": s1})
            say(u[name], "answered", q2, at("2026-01-04"), result={"response": r2, "success": s2})
        # A second attempt counts for nothing in the item analysis (first attempts only).
        say(u["u4"], "answered", q1, at("2026-01-06"), result={"response": "1", "success": False})
        for name in ("u1", "u2"):
            say(u[name], "passed", self.quiz_iri, at("2026-01-04", 12), result={"success": True})
        for name in ("u1", "u2", "u3"):
            say(u[name], "registered", self.session_iri, at("2026-01-04"))
        for name in ("u1", "u2"):
            say(u[name], "attended", self.session_iri, at("2026-01-05"))
        say(u["u1"], "completed", self.module_iri, at("2026-01-10"))
        say(u["u1"], "completed", self.course_iri, at("2026-01-10"))
        say(u["u2"], "completed", self.module_iri, at("2026-01-20"))
        say(u["u2"], "completed", self.course_iri, at("2026-01-20"))
        likert = {
            "name": {"fr-FR": "Ce module vous a-t-il été utile ?"},
            "interactionType": "likert",
            "scale": [
                {"id": str(i), "description": {"fr-FR": label}}
                for i, label in enumerate(["Pas du tout", "Peu", "Assez", "Très"], start=1)
            ],
        }
        question = f"{self.module_iri}/questionnaire/utile"
        for name, value, day in (("u1", "4", "2026-01-10"), ("u2", "3", "2026-01-20"), ("u1", "2", "2026-02-10")):
            say(
                u[name],
                "responded",
                question,
                at(day, 15),
                result={"response": value},
                definition=likert,
                parent=[f"{self.module_iri}/questionnaire"],
                grouping=[self.course_iri, self.module_iri],
            )
        c = self.competency
        certified(u["u1"], c, 2, "2025-12-01")
        certified(u["u1"], c, 4, "2026-03-01")
        certified(u["u2"], c, 3, "2026-01-15")
        certified(u["c1"], c, 1, "2025-06-01")
        certified(u["c2"], c, 2, "2026-05-01")
        return self
