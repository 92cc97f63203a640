"""How competency alignment is written into, and read back from, xAPI statements.

The statement carries its own alignment so that any consumer can read it and
statements imported from elsewhere count like ours (ARCHITECTURE.md):
- context.contextActivities.category: the framework, as an activity;
- context.contextActivities.other: one objective activity per competency;
- result.extensions[LEVEL_EXTENSION]: the level the activity evidences.
"""

from django.conf import settings

OBJECTIVE_TYPE = "http://adlnet.gov/expapi/activities/objective"
FRAMEWORK_TYPE = "http://id.tincanapi.com/activitytype/category"


def base_iri() -> str:
    return settings.RELAIS_COMPETENCY_BASE_IRI


def framework_iri(slug: str) -> str:
    return f"{base_iri()}/{slug}"


def competency_iri(framework_slug: str, code: str) -> str:
    return f"{base_iri()}/{framework_slug}/{code}"


def level_iri(framework_slug: str, number: int) -> str:
    return f"{base_iri()}/{framework_slug}/niveaux/{number}"


def certification_iri(source: str = "pix") -> str:
    """The category activity marking a statement as a certified result (Pix, Pix+ Édu)."""
    return f"{base_iri()}/certifications/{source}"


def level_extension() -> str:
    return f"{base_iri()}/extensions/niveau"


def parse_level_iri(value, *, base: str | None = None) -> tuple[str, int] | None:
    """(framework slug, level) from a level IRI of ours, or None. `base`: base_iri(), when known."""
    base = base or base_iri()
    if not isinstance(value, str) or not value.startswith(base + "/"):
        return None
    parts = value[len(base) + 1 :].split("/")
    # A level is one or two ASCII digits (evidence_sql.py reads it with the same pattern).
    number = parts[2] if len(parts) == 3 else ""
    if parts[1:2] != ["niveaux"] or not (number.isascii() and number.isdigit() and len(number) <= 2):
        return None
    return parts[0], int(number)


def statement_alignment(*, competencies, level: int | None) -> tuple[dict, dict]:
    """(context.contextActivities, result.extensions) aligning a statement to `competencies` at `level`.

    `competencies` are Competency objects, all of one framework when a level is given.
    """
    competencies = list(competencies)
    frameworks = {}
    for competency in competencies:
        frameworks[competency.framework.slug] = competency.framework
    category = [
        {
            "id": framework_iri(slug),
            "objectType": "Activity",
            "definition": {"name": {"fr-FR": framework.title}, "type": FRAMEWORK_TYPE},
        }
        for slug, framework in sorted(frameworks.items())
    ]
    other = [
        {
            "id": competency.iri,
            "objectType": "Activity",
            "definition": {
                "name": {"fr-FR": f"{competency.framework.short_name} {competency.code} {competency.name}"},
                "type": OBJECTIVE_TYPE,
            },
        }
        for competency in competencies
    ]
    context_activities = {}
    if category:
        context_activities["category"] = category
    if other:
        context_activities["other"] = other
    extensions = {}
    if level and len(frameworks) == 1:
        (slug,) = frameworks
        extensions[level_extension()] = level_iri(slug, level)
    return context_activities, extensions
