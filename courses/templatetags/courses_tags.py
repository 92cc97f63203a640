"""Template tags other apps' templates may use without importing courses."""

from django import template
from django.utils.translation import gettext as _

from courses.selectors import modules_added
from courses.selectors import next_level_modules as next_level_modules_for

register = template.Library()


@register.inclusion_tag("courses/includes/modules_added.html")
def modules_added_for(user):
    """ "Ce que chaque module m'a apporté", for "Mes compétences"."""
    return {"contributions": modules_added(user=user) if user.is_authenticated else []}


@register.simple_tag
def quiz_review(value, progress, attempts_left):
    """The latest attempt of a quiz, question by question, for the review shown beside each question:
    what was answered, right or wrong, the feedback, and the expected answer once no attempt is left
    (passed, or attempts spent). None before any attempt, or when the quiz changed since."""
    attempt = (progress.last_attempt if progress else None) or {}
    questions = list(value["questions"])
    answers = attempt.get("answers") or []
    if len(answers) != len(questions):
        return None
    passed = bool(progress.status == "passed")
    finished = passed or attempts_left == 0

    def truth(flag):
        return _("Vrai") if flag else _("Faux")

    rows = []
    for question, answer in zip(questions, answers, strict=True):
        given = answer.get("given") or []
        if question.is_choice:
            choices = list(question["choices"])
            given_text = ", ".join(choices[int(g)]["text"] for g in given if str(g).isdigit() and int(g) < len(choices))
            expected = ", ".join(c["text"] for c in choices if c["correct"])
        elif question.question_kind == "true_false":
            given_text = truth(given[:1] == ["true"])
            expected = truth(question.get("true_is_correct"))
        else:
            given_text = given[0] if given else ""
            expected = " / ".join(question.accepted)
        rows.append(
            {
                "right": answer.get("right"),
                "given": given_text,
                "feedback": answer.get("feedback") or [],
                "expected": expected if finished and not answer.get("right") else "",
            }
        )
    return {
        "passed": attempt.get("passed"),
        "correct": attempt.get("correct"),
        "total": attempt.get("total"),
        "percent": round((attempt.get("scaled") or 0) * 100),
        "rows": rows,
        "finished": finished,
    }


@register.filter
def index(sequence, position):
    """sequence[position], or None (templates cannot subscript with a variable)."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.simple_tag
def next_level_modules(user) -> dict:
    """For "Mes compétences": per competency key, the published modules that would take the teacher to
    the next level (courses.selectors.next_level_modules)."""
    return next_level_modules_for(user=user) if user.is_authenticated else {}


@register.filter
def index_get(mapping, key):
    """mapping[key] for a dict (questionnaire errors and answers by question index), or None."""
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))


@register.simple_tag
def questionnaire_form_state(request, block_id: str) -> dict:
    """The errors and answers of a questionnaire just refused (kept once in the session by the view)."""
    return request.session.pop(f"questionnaire-{block_id}", None) or {}
