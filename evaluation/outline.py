"""The shape of the courses, as the evaluation needs it, without importing the app that owns them.

`evaluation` sits below `courses` (ARCHITECTURE.md): it may not import the course pages. `courses`
registers a provider here (`outline_provider_register`) that describes every course: its modules,
their activities and quiz questions in order, the competencies it targets, its co-designers and
territory, and who may read its evaluation. `outlines_sync` copies that description into this app's
own tables at each refresh, so that the statements (which name courses, modules and activities by
their IRIs) can be read against it, and so that pages never ask another app anything.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionOutline:
    iri: str
    prompt: str
    # The choices' labels in order and which are right (empty for true/false and short answers).
    choices: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActivityOutline:
    iri: str
    title: str
    kind: str  # the block type: content_step, quiz, in_person_session, virtual_class, …
    questions: tuple[QuestionOutline, ...] = ()


@dataclass(frozen=True)
class ModuleOutline:
    page_id: int
    iri: str
    title: str
    activities: tuple[ActivityOutline, ...] = ()


@dataclass(frozen=True)
class CourseOutline:
    page_id: int
    iri: str
    title: str
    modules: tuple[ModuleOutline, ...] = ()
    # Competency ids the course targets (frameworks' Competency).
    competency_ids: tuple[int, ...] = ()
    co_designers: tuple[str, ...] = ()
    departement_id: int | None = None  # the territory of the catalogue it belongs to


Provider = Callable[[], Iterable[CourseOutline]]
_providers: list[Provider] = []


def outline_provider_register(provider: Provider) -> None:
    """Add a source of course outlines (called once, from an app's `ready`)."""
    if provider not in _providers:
        _providers.append(provider)


def outlines_collect() -> list[CourseOutline]:
    return [outline for provider in _providers for outline in provider()]
