"""Rejection rules for results, contexts and attachments."""

import pytest

from tests.xapi import examples as ex
from tests.xapi.examples import reject

SCORE = "result.score"

RESULT_CASES = {
    "scaled above 1": (ex.statement(result={"score": {"scaled": 1.5}}), f"{SCORE}.scaled", "score_scaled_range"),
    "scaled below -1": (ex.statement(result={"score": {"scaled": -1.01}}), f"{SCORE}.scaled", "score_scaled_range"),
    "scaled a string": (ex.statement(result={"score": {"scaled": "0.5"}}), f"{SCORE}.scaled", "type"),
    "raw a boolean": (ex.statement(result={"score": {"raw": True}}), f"{SCORE}.raw", "type"),
    "raw above max": (
        ex.statement(result={"score": {"raw": 101, "min": 0, "max": 100}}),
        f"{SCORE}.raw",
        "score_raw_range",
    ),
    "raw below min": (ex.statement(result={"score": {"raw": -1, "min": 0}}), f"{SCORE}.raw", "score_raw_range"),
    "min equal to max": (ex.statement(result={"score": {"min": 5, "max": 5}}), f"{SCORE}.min", "score_min_max"),
    "min above max": (ex.statement(result={"score": {"min": 10, "max": 5}}), f"{SCORE}.min", "score_min_max"),
    "score extra property": (ex.statement(result={"score": {"percent": 5}}), f"{SCORE}.percent", "unknown_property"),
    "success a string": (ex.statement(result={"success": "true"}), "result.success", "type"),
    "completion a number": (ex.statement(result={"completion": 1}), "result.completion", "type"),
    "response a number": (ex.statement(result={"response": 4}), "result.response", "type"),
    "duration a sentence": (ex.statement(result={"duration": "should fail"}), "result.duration", "duration"),
    "duration PA1H0M0S": (ex.statement(result={"duration": "PA1H0M0S"}), "result.duration", "duration"),
    "duration P alone": (ex.statement(result={"duration": "P"}), "result.duration", "duration"),
    "duration PT alone": (ex.statement(result={"duration": "P1DT"}), "result.duration", "duration"),
    "duration a number": (ex.statement(result={"duration": 12345}), "result.duration", "type"),
    "duration an object": (ex.statement(result={"duration": {"key": "invalid"}}), "result.duration", "type"),
    "extension key not an IRI": (
        ex.statement(result={"extensions": {"level": 4}}),
        "result.extensions.level",
        "extension_key",
    ),
    "result extra property": (ex.statement(result={"passed": True}), "result.passed", "unknown_property"),
}

CONTEXT_CASES = {
    "registration not a UUID": (ex.statement(context={"registration": "abc"}), "context.registration", "uuid"),
    "instructor without IFI": (
        ex.statement(context={"instructor": {"name": "x"}}),
        "context.instructor",
        "missing_ifi",
    ),
    "team an Agent": (ex.statement(context={"team": ex.agent()}), "context.team.objectType", "team_group"),
    "team anonymous without members": (
        ex.statement(context={"team": {"objectType": "Group"}}),
        "context.team.member",
        "anonymous_group_members",
    ),
    "contextActivities unknown key": (
        ex.statement(context={"contextActivities": {"parents": [{"id": ex.ACTIVITY}]}}),
        "context.contextActivities.parents",
        "unknown_property",
    ),
    "contextActivities a list": (
        ex.statement(context={"contextActivities": [{"id": ex.ACTIVITY}]}),
        "context.contextActivities",
        "type",
    ),
    "context activity id not an IRI": (
        ex.statement(context={"contextActivities": {"other": [{"id": ex.ACTIVITY}, {"id": "competence 3.1"}]}}),
        "context.contextActivities.other[1].id",
        "iri",
    ),
    "context activity a string": (
        ex.statement(context={"contextActivities": {"parent": ex.ACTIVITY}}),
        "context.contextActivities.parent",
        "type",
    ),
    "single context activity without id": (
        ex.statement(context={"contextActivities": {"category": {"objectType": "Activity"}}}),
        "context.contextActivities.category.id",
        "required",
    ),
    "revision on an agent object": (
        ex.statement(object={"objectType": "Agent", **ex.agent()}, context={"revision": "2"}),
        "context.revision",
        "context_requires_activity",
    ),
    "platform on a StatementRef": (
        ex.statement(
            object={"objectType": "StatementRef", "id": "6fbd600f-d17c-4c74-801a-2ec2e53231c9"},
            context={"platform": "Relais"},
        ),
        "context.platform",
        "context_requires_activity",
    ),
    "platform on a SubStatement": (
        ex.statement(object=ex.substatement(), context={"platform": "Relais"}),
        "context.platform",
        "context_requires_activity",
    ),
    "revision a number": (ex.statement(context={"revision": 2}), "context.revision", "type"),
    "language with an underscore": (ex.statement(context={"language": "fr_FR"}), "context.language", "language_tag"),
    "language empty": (ex.statement(context={"language": ""}), "context.language", "language_tag"),
    "statement an Activity": (
        ex.statement(context={"statement": {"objectType": "Activity", "id": ex.ACTIVITY}}),
        "context.statement.objectType",
        "object_type",
    ),
    "statement without objectType": (
        ex.statement(context={"statement": {"id": "6fbd600f-d17c-4c74-801a-2ec2e53231c9"}}),
        "context.statement.objectType",
        "required",
    ),
    "extensions a list": (ex.statement(context={"extensions": []}), "context.extensions", "type"),
    "context extra property": (ex.statement(context={"session": "x"}), "context.session", "unknown_property"),
}


def with_attachment(**changes):
    attachment = ex.attachment()
    for key, value in changes.items():
        if value is ...:
            del attachment[key]
        else:
            attachment[key] = value
    return ex.statement(attachments=[attachment])


ATTACHMENT_CASES = {
    "usageType missing": (with_attachment(usageType=...), "attachments[0].usageType", "required"),
    "display missing": (with_attachment(display=...), "attachments[0].display", "required"),
    "contentType missing": (with_attachment(contentType=...), "attachments[0].contentType", "required"),
    "length missing": (with_attachment(length=...), "attachments[0].length", "required"),
    "sha2 missing": (with_attachment(sha2=...), "attachments[0].sha2", "required"),
    "usageType not an IRI": (with_attachment(usageType="certificate"), "attachments[0].usageType", "iri"),
    "display a string": (with_attachment(display="Attestation"), "attachments[0].display", "type"),
    "contentType not a media type": (with_attachment(contentType="pdf"), "attachments[0].contentType", "content_type"),
    "length a string": (with_attachment(length="12"), "attachments[0].length", "type"),
    "length a decimal": (with_attachment(length=1.5), "attachments[0].length", "type"),
    "length negative": (with_attachment(length=-1), "attachments[0].length", "range"),
    "sha2 not hex": (with_attachment(sha2="abc"), "attachments[0].sha2", "sha2"),
    "fileUrl not an IRL": (with_attachment(fileUrl="attestation.pdf"), "attachments[0].fileUrl", "irl"),
    "extra property": (with_attachment(data="..."), "attachments[0].data", "unknown_property"),
    "signature not octet-stream": (
        with_attachment(usageType="http://adlnet.gov/expapi/attachments/signature", contentType="application/json"),
        "attachments[0].contentType",
        "signature_content_type",
    ),
}


@pytest.mark.parametrize(("data", "path", "rule"), RESULT_CASES.values(), ids=RESULT_CASES.keys())
def test_result_rules(data, path, rule):
    reject(data, path, rule)


@pytest.mark.parametrize(("data", "path", "rule"), CONTEXT_CASES.values(), ids=CONTEXT_CASES.keys())
def test_context_rules(data, path, rule):
    reject(data, path, rule)


@pytest.mark.parametrize(("data", "path", "rule"), ATTACHMENT_CASES.values(), ids=ATTACHMENT_CASES.keys())
def test_attachment_rules(data, path, rule):
    reject(data, path, rule)
