"""What the evaluation pages show, read from the derived tables only, small groups hidden.

`departement_ids` None reads the rows of all teachers (a course's trainers, national managers);
a list sums the rows of those départements (a manager's scope). A value computed over fewer people
than RELAIS_MIN_GROUP_SIZE is None: shown as "moins de N", exported as such.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from lms.models import Departement
from maps.pilotage import Table

from .models import ActivityStat, Course, EffectStat, Funnel, ItemStat, Module, Refresh, ResponseStat


def min_size() -> int:
    return settings.RELAIS_MIN_GROUP_SIZE


def shown(value, n: int):
    """`value` when it stands for at least the minimum group size, else None (hidden)."""
    return value if n >= min_size() else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def _where(departement_ids) -> Q:
    return Q(departement__isnull=True) if departement_ids is None else Q(departement_id__in=departement_ids)


@dataclass
class CourseReport:
    course: Course
    tables: dict[str, Table] = field(default_factory=dict)
    funnel: list[dict] = field(default_factory=list)  # for the figures
    effect: list[dict] = field(default_factory=list)
    responses: list[dict] = field(default_factory=list)
    refreshed_at: object = None


def _funnel_table(course: Course, departement_ids) -> tuple[Table, list[dict]]:
    rows = (
        Funnel.objects.filter(_where(departement_ids), course=course)
        .values("module_id")
        .annotate(
            enrolled=Sum("enrolled"),
            started=Sum("started"),
            completed=Sum("completed"),
            timed=Sum("timed"),
            seconds=Sum("seconds_total"),
        )
    )
    by_module = {row["module_id"]: row for row in rows}
    medians = {}
    if departement_ids is None or len(departement_ids) == 1:
        medians = dict(
            Funnel.objects.filter(_where(departement_ids), course=course).values_list("module_id", "seconds_median")
        )
    table = Table(
        "entonnoir",
        _("Inscription, démarrage et achèvement"),
        [
            _("Module"),
            _("Inscrits"),
            _("Ont commencé"),
            _("Ont terminé"),
            _("Taux d'achèvement, part des inscrits (%)"),
            _("Temps médian (min)"),
            _("Temps moyen (min)"),
        ],
        note=_("Temps : durées déclarées par les activités (result.duration), sur les personnes qui en ont une."),
    )
    figure = []
    entries = [(None, _("Parcours entier"))] + [(m.pk, m.title) for m in course.modules.all()]
    for module_id, label in entries:
        row = by_module.get(module_id)
        if row is None:
            continue
        timed = row["timed"] or 0
        mean = row["seconds"] / timed if timed else None
        median = medians.get(module_id)
        table.rows.append(
            [
                label,
                row["enrolled"],
                row["started"],
                row["completed"],
                _percent(row["completed"], row["enrolled"]),
                shown(_minutes(median), timed),
                shown(_minutes(mean), timed),
            ]
        )
        figure.append(
            {"label": label, "enrolled": row["enrolled"], "started": row["started"], "completed": row["completed"]}
        )
    return table, figure


def _dropoff_tables(course: Course, departement_ids) -> tuple[Table, Table]:
    stats = (
        ActivityStat.objects.filter(_where(departement_ids), activity__module__course=course)
        .values("activity_id", "activity__title", "activity__kind", "activity__module__title")
        .annotate(reached=Sum("reached"), done=Sum("done"), registered=Sum("registered"), attended=Sum("attended"))
        .order_by("activity__module__position", "activity__position")
    )
    dropoff = Table(
        "abandons",
        _("Parcours des activités, dans l'ordre du module"),
        [_("Activité"), _("Module"), _("Ont commencé"), _("Ont terminé"), _("Perdus depuis l'activité précédente")],
        note=_("Commencé : au moins une déclaration sur l'activité ; terminé : terminée, réussie ou présence."),
    )
    sessions = Table(
        "presences",
        _("Présence aux sessions"),
        [_("Session"), _("Module"), _("Inscrits"), _("Présents"), _("Taux de présence (%)")],
    )
    previous: dict[str, int] = {}
    for row in stats:
        module = row["activity__module__title"]
        before = previous.get(module)
        dropoff.rows.append(
            [
                row["activity__title"],
                module,
                row["reached"],
                row["done"],
                max(before - row["reached"], 0) if before is not None else "",
            ]
        )
        previous[module] = row["reached"]
        if row["activity__kind"] in ("in_person_session", "virtual_class"):
            sessions.rows.append(
                [
                    row["activity__title"],
                    module,
                    row["registered"],
                    row["attended"],
                    _percent(row["attended"], row["registered"]),
                ]
            )
    return dropoff, sessions


def _items_table(course: Course, departement_ids) -> Table:
    table = Table(
        "questions",
        _("Analyse des questions des quiz (première tentative)"),
        [
            _("Question"),
            _("Quiz"),
            _("Réponses"),
            _("Facilité : part de bonnes réponses (%)"),
            _("Discrimination (%)"),
            _("Réponses choisies"),
        ],
        note=_(
            "Discrimination : corrélation entre la réussite à la question et le score au reste du quiz, comme "
            "dans les statistiques de quiz de Moodle ; au-dessus de 30 %, la question distingue bien ; "
            "négative, elle est à revoir. Sur plusieurs départements, elle n'est pas calculée (—)."
        ),
    )
    stats = ItemStat.objects.filter(_where(departement_ids), question__activity__module__course=course).select_related(
        "question__activity__module"
    )
    by_question: dict[int, list[ItemStat]] = {}
    for stat in stats.order_by(
        "question__activity__module__position", "question__activity__position", "question__position"
    ):
        by_question.setdefault(stat.question_id, []).append(stat)
    for group in by_question.values():
        q = group[0].question
        attempts = sum(stat.attempts for stat in group)
        right = sum(stat.right for stat in group)
        counts = [sum(stat.chosen[i] for stat in group if i < len(stat.chosen)) for i in range(len(q.choices))]
        # A correlation does not add up: over several départements it is not shown ("—").
        discrimination = group[0].discrimination if len(group) == 1 and len(departement_ids or [0]) == 1 else "—"
        chosen = "; ".join(
            f"{'✓ ' if i in q.correct else ''}{label} : {counts[i]}" for i, label in enumerate(q.choices)
        )
        table.rows.append(
            [
                q.prompt,
                q.activity.title,
                attempts,
                shown(_percent(right, attempts), attempts),
                shown(discrimination, attempts),
                shown(chosen, attempts) if chosen else "",
            ]
        )
    return table


def _responses_table(course: Course, departement_ids) -> tuple[Table, list[dict]]:
    table = Table(
        "questionnaires",
        _("Réponses aux questionnaires"),
        [_("Question"), _("Questionnaire"), _("Répondants"), _("Répartition des réponses")],
        note=_("Une réponse par personne et par question : la plus récente."),
    )
    figure = []
    merged: dict[str, ResponseStat] = {}  # question IRI → its row, the scope's départements summed
    for stat in ResponseStat.objects.filter(_where(departement_ids), course=course).order_by("position", "pk"):
        if stat.question_iri not in merged:
            merged[stat.question_iri] = stat
            continue
        total = merged[stat.question_iri]
        total.respondents += stat.respondents
        total.counts = {v: total.counts.get(v, 0) + stat.counts.get(v, 0) for v in {*total.counts, *stat.counts}}
    for stat in merged.values():
        if stat.kind == "text":
            spread = _("réponses libres")
        else:
            labels = [(value, label) for value, label in stat.scale] or [(v, v) for v in sorted(stat.counts)]
            spread = "; ".join(f"{label} : {stat.counts.get(value, 0)}" for value, label in labels)
            if stat.respondents >= min_size():
                figure.append(
                    {
                        "question": stat.question,
                        "labels": [label for _value, label in labels],
                        "counts": [stat.counts.get(value, 0) for value, _label in labels],
                    }
                )
        table.rows.append([stat.question, stat.questionnaire, stat.respondents, shown(spread, stat.respondents)])
    return table, figure


def effect_table(course: Course, departement_ids) -> tuple[Table, list[dict]]:
    rows = (
        EffectStat.objects.filter(_where(departement_ids), course=course)
        .values(
            "competency_id",
            "competency__code",
            "competency__name",
            "competency__framework__short_name",
            "group",
            "moment",
        )
        .annotate(n=Sum("n"), level_sum=Sum("level_sum"))
        .order_by("competency__framework__short_name", "competency__code", "group", "moment")
    )
    groups = dict(EffectStat.Group.choices)
    moments = dict(EffectStat.Moment.choices)
    table = Table(
        "effet",
        _("Effet sur les compétences visées"),
        [_("Compétence"), _("Groupe"), _("Moment"), _("Effectif"), _("Niveau moyen")],
        note=effect_caveat(),
    )
    figure = []
    for row in rows:
        mean = round(row["level_sum"] / row["n"], 2) if row["n"] else None
        label = f"{row['competency__framework__short_name']} {row['competency__code']} — {row['competency__name']}"
        table.rows.append(
            [label, str(groups[row["group"]]), str(moments[row["moment"]]), row["n"], shown(mean, row["n"])]
        )
        figure.append(
            {
                "competency": f"{row['competency__framework__short_name']} {row['competency__code']}",
                "group": str(groups[row["group"]]),
                "moment": str(moments[row["moment"]]),
                "mean": shown(mean, row["n"]),
            }
        )
    return table, figure


def effect_caveat() -> str:
    return _(
        "Ceci est une comparaison, pas la preuve d'un effet : les enseignants qui suivent un parcours ne sont "
        "pas choisis au hasard, et d'autres causes peuvent faire évoluer leurs niveaux. Niveaux calculés à chaque "
        "date à partir des preuves de cette date (0 : aucun niveau attesté) ; collègues des mêmes établissements "
        "qui n'ont pas suivi le parcours, mesurés à la date médiane des fins de parcours de leur établissement."
    )


def course_report(*, course: Course, departement_ids: list[int] | None) -> CourseReport:
    report = CourseReport(course=course)
    funnel, report.funnel = _funnel_table(course, departement_ids)
    dropoff, sessions = _dropoff_tables(course, departement_ids)
    effect, report.effect = effect_table(course, departement_ids)
    responses, report.responses = _responses_table(course, departement_ids)
    items = _items_table(course, departement_ids)
    for table in (funnel, dropoff, items, responses, sessions, effect):
        report.tables[table.key] = table
    last = Refresh.objects.order_by("-finished_at").first()
    report.refreshed_at = last.finished_at if last else None
    return report


def courses_for(*, departement_ids: list[int] | None, course_ids: list[int] | None = None):
    """The courses with learners in these départements (all when None), or among `course_ids`."""
    courses = Course.objects.all()
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    if departement_ids is not None:
        courses = courses.filter(
            pk__in=Funnel.objects.filter(departement_id__in=departement_ids, module__isnull=True).values("course_id")
        )
    return courses.order_by("title")


# --- across territories ---------------------------------------------------------------------------


def territories_table(*, departement_ids: list[int] | None, course: Course | None = None) -> Table:
    """The same indicators per département, TNE départements first."""
    deps = Departement.objects.all() if departement_ids is None else Departement.objects.filter(pk__in=departement_ids)
    funnel = Funnel.objects.filter(module__isnull=True, departement__isnull=False)
    effect = EffectStat.objects.filter(departement__isnull=False, moment="m3")
    if departement_ids is not None:  # only the rows of the scope's départements
        funnel, effect = (q.filter(departement_id__in=departement_ids) for q in (funnel, effect))
    if course is not None:
        funnel = funnel.filter(course=course)
        effect = effect.filter(course=course)
    f = {
        r["departement_id"]: r
        for r in funnel.values("departement_id").annotate(
            enrolled=Sum("enrolled"),
            started=Sum("started"),
            completed=Sum("completed"),
            timed=Sum("timed"),
            seconds=Sum("seconds_total"),
            reg=Sum("registered"),
            att=Sum("attended"),
        )
    }
    e: dict = defaultdict(dict)
    for r in effect.values("departement_id", "group").annotate(n=Sum("n"), total=Sum("level_sum")):
        e[r["departement_id"]][r["group"]] = (r["n"], r["total"])
    table = Table(
        "territoires",
        _("Indicateurs par département"),
        [
            _("Département"),
            _("TNE"),
            _("Inscrits"),
            _("Ont commencé"),
            _("Ont terminé"),
            _("Taux d'achèvement (%)"),
            _("Temps moyen (min)"),
            _("Taux de présence aux sessions (%)"),
            _("Niveau moyen à 3 mois, ayant terminé"),
            _("Niveau moyen à 3 mois, collègues"),
        ],
        note=effect_caveat(),
    )
    totals = {True: [0] * 11, False: [0] * 11}  # TNE or not → the sums the rows are made of
    for dep in sorted(deps, key=lambda d: (not d.is_tne, d.code)):
        row = f.get(dep.pk)
        if row is None:
            continue
        done_n, done_sum = e[dep.pk].get("completers", (0, 0))
        other_n, other_sum = e[dep.pk].get("comparison", (0, 0))
        sums = [row["enrolled"], row["started"], row["completed"], row["timed"] or 0, row["seconds"] or 0]
        sums += [row["reg"] or 0, row["att"] or 0, done_n, done_sum, other_n, other_sum]
        totals[dep.is_tne] = [a + b for a, b in zip(totals[dep.is_tne], sums, strict=True)]
        table.rows.append(_territory_row(f"{dep.name} ({dep.code})", dep.is_tne, sums))
        table.links.append({"departement": dep.code})
    if departement_ids is None or len(departement_ids) > 2:
        # TNE départements beside the others, as wholes (a teacher of both kinds counts in each).
        for tne, label in ((True, _("Ensemble des départements TNE")), (False, _("Ensemble des autres départements"))):
            if totals[tne][0]:
                table.rows.append(_territory_row(label, tne, totals[tne]))
                table.links.append({})
    return table


def _territory_row(label: str, tne: bool, sums: list[int]) -> list:
    enrolled, started, completed, timed, seconds, registered, attended, done_n, done_sum, other_n, other_sum = sums
    return [
        label,
        _("oui") if tne else _("non"),
        enrolled,
        started,
        completed,
        shown(_percent(completed, enrolled), enrolled),
        shown(_minutes(seconds / timed) if timed else None, timed),
        shown(_percent(attended, registered), registered),
        shown(round(done_sum / done_n, 2) if done_n else None, done_n),
        shown(round(other_sum / other_n, 2) if other_n else None, other_n),
    ]


def good_practices_table(*, departement_ids: list[int] | None, limit: int = 10) -> Table:
    """Modules with the best completion among those who started them, with the course's effect and co-designers."""
    funnel = Funnel.objects.filter(module__isnull=False).filter(_where(departement_ids))
    rows = funnel.values("module_id").annotate(started=Sum("started"), completed=Sum("completed"))
    effect: dict = defaultdict(dict)
    for r in (
        EffectStat.objects.filter(_where(departement_ids), moment="m3")
        .values("course_id", "group")
        .annotate(n=Sum("n"), total=Sum("level_sum"))
    ):
        effect[r["course_id"]][r["group"]] = (r["n"], r["total"])
    modules = {m.pk: m for m in Module.objects.select_related("course").filter(pk__in=[r["module_id"] for r in rows])}
    ranked = []
    for r in rows:
        if r["started"] < min_size():
            continue
        module = modules[r["module_id"]]
        done_n, done_sum = effect[module.course_id].get("completers", (0, 0))
        other_n, other_sum = effect[module.course_id].get("comparison", (0, 0))
        gap = None
        if done_n >= min_size() and other_n >= min_size():
            gap = round(done_sum / done_n - other_sum / other_n, 2)
        ranked.append((_percent(r["completed"], r["started"]), gap, module, r))
    ranked.sort(key=lambda x: (-(x[0] or 0), -(x[1] if x[1] is not None else -99)))
    table = Table(
        "bonnes-pratiques",
        _("Bonnes pratiques : modules les plus achevés"),
        [
            _("Module"),
            _("Parcours"),
            _("Ont commencé"),
            _("Taux d'achèvement, part de ceux qui ont commencé (%)"),
            _("Écart de niveau à 3 mois avec les collègues"),
            _("Co-concepteurs"),
        ],
        note=effect_caveat(),
    )
    for rate, gap, module, r in ranked[:limit]:
        table.rows.append(
            [module.title, module.course.title, r["started"], rate, gap, ", ".join(module.course.co_designers)]
        )
    return table
