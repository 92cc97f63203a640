"""Statements for the forwarding tests: each test's own activity tree, so the shared peer is easy to query."""

import uuid


def about(group: str, count: int, *, actor: dict | None = None, start: int = 0) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": actor
            or {"objectType": "Agent", "account": {"homePage": "https://ent.example.fr", "name": f"u{n}"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": f"{group}/page/{n}"},
            "context": {"contextActivities": {"grouping": [{"id": group}]}},
            "timestamp": "2026-03-01T10:00:00Z",
        }
        for n in range(start, start + count)
    ]


def new_group() -> str:
    return f"http://example.org/forwarding-test/{uuid.uuid4().hex}"
