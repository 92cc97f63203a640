"""/xapi/activities: the fullest Activity object the LRS holds for an id (Communication 2.5)."""

from __future__ import annotations

from xapi.models import StatementActivity

from .auth import READ_DEFINITIONS
from .base import XapiView
from .documents import check_params, json_response_with_etag, param_activity_id

# How many of the latest statements mentioning the activity are searched for a definition.
DEFINITION_SAMPLE = 20
CONTEXT_LISTS = ("parent", "grouping", "category", "other")


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


def activity_canonical(*, activity_id: str) -> dict:
    """The Activity as the latest statement that defines it says, else an Activity with its id alone.

    Statements having the activity as object come first, then those naming it in context: a definition
    given where the activity is the object is the more deliberate one. Voided statements are ignored.
    Relais keeps no separate definition table, so "canonical" here means "most recently sent".
    """
    rows = (
        StatementActivity.objects.filter(activity_id=activity_id, statement__voided=False)
        .select_related("statement")
        .order_by("relation", "-stored")  # "direct" sorts before "related"
    )
    fallback = None
    for row in rows[:DEFINITION_SAMPLE]:
        for activity in _activities_in(row.statement.payload):
            if activity.get("id") != activity_id:
                continue
            if activity.get("definition"):
                return {"objectType": "Activity", **activity}
            fallback = fallback or activity
    return {"objectType": "Activity", **(fallback or {"id": activity_id})}


class ActivitiesView(XapiView):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        xreq = request.xapi
        xreq.credentials.require(READ_DEFINITIONS)
        check_params(xreq.params, allowed={"activityId"}, required={"activityId"})
        activity_id = param_activity_id(xreq.params)
        return json_response_with_etag(activity_canonical(activity_id=activity_id))
