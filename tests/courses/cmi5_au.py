"""A conforming cmi5 AU played in-process: launch, fetch, LaunchData, statements through /xapi/."""

import json
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from courses import cmi5

VERB = "http://adlnet.gov/expapi/verbs/"


class Au:
    """One launched session of the module's external content, as the content itself would drive it."""

    def __init__(self, client, module, user, block):
        self.client = client
        self.block = block
        url = cmi5.cmi5_launch(user=user, module=module, block_id=block.id, base_url="http://testserver/")
        self.url = url
        self.params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        self.actor = json.loads(self.params["actor"])
        self.token = None
        self.launch_data = None

    def fetch(self):
        self.token = self.client.post(urlsplit(self.params["fetch"]).path).json()["auth-token"]
        return self.token

    def headers(self, token=None):
        return {"HTTP_AUTHORIZATION": f"Basic {token or self.token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}

    def get(self, path, params, token=None):
        return self.client.get(f"/xapi/{path}?{urlencode(params, quote_via=quote)}", **self.headers(token))

    def state_params(self, state_id="LMS.LaunchData", **overrides):
        return {
            "activityId": self.params["activityId"],
            "agent": json.dumps(self.actor),
            "registration": self.params["registration"],
            "stateId": state_id,
            **overrides,
        }

    def read_launch_data(self):
        response = self.get("activities/state", self.state_params())
        assert response.status_code == 200, response.content
        self.launch_data = response.json()
        return self.launch_data

    def statement(self, verb, *, defined=True, result=None, **changes):
        """A statement built on the contextTemplate, "cmi5 defined" (with the cmi5 category) or "allowed"."""
        context = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context["registration"] = self.params["registration"]
        categories = []
        if defined:
            categories.append({"id": cmi5.CATEGORY_CMI5})
            if result and ("success" in result or "completion" in result):
                categories.append({"id": cmi5.CATEGORY_MOVEON})
        if categories:
            context["contextActivities"]["category"] = categories
        statement = {
            "id": str(uuid.uuid4()),
            "actor": self.actor,
            "verb": {"id": verb if verb.startswith("http") else VERB + verb},
            "object": {"objectType": "Activity", "id": self.params["activityId"]},
            "context": context,
            "timestamp": datetime.now(UTC).isoformat(),
        }
        if result is not None:
            statement["result"] = result
        statement.update(changes)
        return statement

    def send(self, statement, token=None):
        return self.client.post(
            "/xapi/statements", json.dumps(statement), content_type="application/json", **self.headers(token)
        )

    def start(self):
        self.fetch()
        self.read_launch_data()
        response = self.send(self.statement("initialized"))
        assert response.status_code == 200, response.content
        return self


COMPLETED = {"completion": True, "duration": "PT1M"}
PASSED = {"success": True, "score": {"scaled": 0.9}, "duration": "PT1M"}
FAILED = {"success": False, "score": {"scaled": 0.3}, "duration": "PT1M"}
TERMINATED = {"duration": "PT2M"}
