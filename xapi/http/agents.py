"""/xapi/agents: the Person object for an Agent (Communication 2.4)."""

from __future__ import annotations

from datetime import datetime

from xapi.identity import IFI_PROPERTIES
from xapi.models import Statement

from . import binding
from .auth import READ_DEFINITIONS
from .base import XapiView
from .documents import check_params, json_response_with_etag, param_agent, with_last_modified

# How many of the agent's latest statements are read for the names it went by.
NAME_SAMPLE = 50


def agent_person(*, agent: dict, key: str) -> tuple[dict, datetime | None]:
    """What the LRS knows of this Agent, as a Person: array-valued properties (Communication 2.4.s5).

    The LRS links no identities together, so the Person carries the requested identifier only, with
    every name the agent was given in the request and in its latest statements as actor. An unknown
    agent still gets a Person built from the request (2.4.s3.b3). The second value is when the
    newest of those statements was stored (None without any).
    """
    names = [agent["name"]] if isinstance(agent.get("name"), str) else []
    recent = Statement.objects.filter(actor_key=key, voided=False).order_by("-stored")[:NAME_SAMPLE]
    last_modified = None
    for name, stored in recent.values_list("payload__actor__name", "stored"):
        last_modified = last_modified or stored
        if isinstance(name, str) and name not in names:
            names.append(name)
    person: dict = {"objectType": "Person"}
    if names:
        person["name"] = names
    for ifi in IFI_PROPERTIES:
        if agent.get(ifi):
            person[ifi] = [agent[ifi]]
    return person, last_modified


class AgentsView(XapiView):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        xreq = request.xapi
        xreq.credentials.require(READ_DEFINITIONS)
        check_params(xreq.params, allowed={"agent"}, required={"agent"})
        agent, key = param_agent(xreq.params)
        binding.agent_check(xreq.credentials, key)
        person, last_modified = agent_person(agent=agent, key=key)
        return with_last_modified(json_response_with_etag(person), last_modified)
