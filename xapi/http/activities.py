"""/xapi/activities: the fullest Activity object the LRS holds for an id (Communication 2.5)."""

from __future__ import annotations

from datetime import datetime

from xapi.models import StatementActivity

from .auth import READ_DEFINITIONS
from .base import XapiView
from .documents import check_params, json_response_with_etag, param_activity_id, with_last_modified

# How many of the latest statements mentioning the activity are searched for a definition.
DEFINITION_SAMPLE = 20
CONTEXT_LISTS = ("parent", "grouping", "category", "other")
# Definition properties merged entry by entry across statements.
_MERGED_MAPS = ("name", "description", "extensions")


def _activities_in(body: dict):
    """Every Activity object of a statement (or SubStatement) body: its object, then its context activities."""
    obj = body.get("object")
    if isinstance(obj, dict):
        if obj.get("objectType", "Activity") == "Activity":
            yield obj
        elif obj.get("objectType") == "SubStatement":
            yield from _activities_in(obj)
    context = body.get("context")
    context_activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(context_activities, dict):
        for name in CONTEXT_LISTS:
            value = context_activities.get(name)
            for activity in value if isinstance(value, list) else [value]:
                if isinstance(activity, dict):
                    yield activity


def _definition_merge(merged: dict, definition: dict) -> None:
    """Add to ``merged`` what ``definition`` says and ``merged`` does not say yet.

    Language maps (name, description) and extensions are merged entry by entry, so that two statements
    describing the activity in two languages give both (Communication 2.5.s1, XAPI-00254); any other
    property is taken whole from the first definition that has it.
    """
    for key, value in definition.items():
        if key in _MERGED_MAPS and isinstance(value, dict):
            known = merged.setdefault(key, {})
            if isinstance(known, dict):
                for entry, text in value.items():
                    known.setdefault(entry, text)
        else:
            merged.setdefault(key, value)


def activity_canonical(*, activity_id: str) -> tuple[dict, datetime | None]:
    """The Activity with everything the statements naming it said about it (its id alone if nothing),
    and when that was last stored: the newest statement that gave part of the definition.

    Statements having the activity as object come first, then those naming it in context, newest
    first within each: where two definitions disagree on a value, the earlier in that order wins (a
    definition given where the activity is the object is the more deliberate one). Voided statements
    are ignored. Relais keeps no separate definition table: the latest DEFINITION_SAMPLE mentions are read.
    """
    rows = (
        StatementActivity.objects.filter(activity_id=activity_id, statement__voided=False)
        .select_related("statement")
        .order_by("relation", "-stored")  # "direct" sorts before "related"
    )
    merged: dict = {}
    last_modified = None
    for row in rows[:DEFINITION_SAMPLE]:
        for activity in _activities_in(row.statement.payload):
            if activity.get("id") == activity_id and isinstance(activity.get("definition"), dict):
                _definition_merge(merged, activity["definition"])
                last_modified = max(last_modified or row.stored, row.stored)
    if not merged:
        return {"objectType": "Activity", "id": activity_id}, None
    return {"objectType": "Activity", "id": activity_id, "definition": merged}, last_modified


class ActivitiesView(XapiView):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        xreq = request.xapi
        xreq.credentials.require(READ_DEFINITIONS)
        check_params(xreq.params, allowed={"activityId"}, required={"activityId"})
        activity_id = param_activity_id(xreq.params)
        activity, last_modified = activity_canonical(activity_id=activity_id)
        return with_last_modified(json_response_with_etag(activity), last_modified)
