"""Statements with attachments: multipart/mixed in and out, hashes, and signed statements (JWS)."""

import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.xapi import examples as ex
from tests.xapi.http.attachments import (
    CONTENT,
    attachment_for,
    jws,
    part,
    post_multipart,
    sha,
    signed_post,
)
from xapi.http.multipart import build_multipart, parse_multipart
from xapi.models import Attachment, Statement

pytestmark = pytest.mark.django_db


def test_statement_with_its_attachment_part_is_stored_with_the_content(api):
    data = ex.statement(attachments=[attachment_for(CONTENT)])
    response = post_multipart(api, data, part(CONTENT))
    assert response.status_code == 200, response.content
    row = Attachment.objects.get(sha2=sha(CONTENT))
    assert bytes(row.content) == CONTENT and row.length == len(CONTENT)


def test_the_same_content_is_stored_once(api):
    for _ in range(2):
        data = ex.statement(attachments=[attachment_for(CONTENT)])
        assert post_multipart(api, data, part(CONTENT)).status_code == 200
    assert Attachment.objects.count() == 1


def test_a_batch_sharing_one_part(api):
    batch = [ex.statement(attachments=[attachment_for(CONTENT)]) for _ in range(2)]
    response = post_multipart(api, batch, part(CONTENT))
    assert response.status_code == 200 and len(response.json()) == 2


def test_put_multipart(api):
    statement_id = str(uuid.uuid4())
    document = json.dumps(ex.statement(attachments=[attachment_for(CONTENT)])).encode()
    body, content_type = build_multipart([({"Content-Type": "application/json"}, document), part(CONTENT)])
    assert api.put(body, statement_id, content_type=content_type).status_code == 204


def test_attachment_with_file_url_needs_no_part(api):
    data = ex.statement(attachments=[attachment_for(CONTENT, fileUrl="https://relais.example/f.txt")])
    assert api.post(data).status_code == 200


def rejected(response, rule=None):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    if rule:
        assert body["rule"] == rule
    assert Statement.objects.count() == 0
    return body


def test_attachment_without_part_or_file_url_is_refused(api):
    body = rejected(api.post(ex.statement(attachments=[attachment_for(CONTENT)])), "attachment_missing")
    assert body["path"] == "attachments[0]"


def test_part_whose_content_does_not_match_its_hash_is_refused(api):
    data = ex.statement(attachments=[attachment_for(CONTENT)])
    rejected(post_multipart(api, data, part(b"autre chose", hash_header=sha(CONTENT))), "attachment_hash_mismatch")


def test_part_for_no_attachment_is_refused(api):
    data = ex.statement(attachments=[attachment_for(CONTENT)])
    rejected(post_multipart(api, data, part(CONTENT), part(b"extra")), "attachment_unused")


def test_part_without_hash_header_is_refused(api):
    data = ex.statement(attachments=[attachment_for(CONTENT)])
    rejected(
        post_multipart(api, data, ({"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary"}, CONTENT))
    )


def test_part_without_binary_transfer_encoding_is_refused(api):
    data = ex.statement(attachments=[attachment_for(CONTENT)])
    rejected(post_multipart(api, data, part(CONTENT, encoding=None)), "attachment_encoding")


def test_first_part_must_be_json(api):
    body, content_type = build_multipart([({"Content-Type": "text/plain"}, b"{}"), part(CONTENT)])
    rejected(api.post(body, content_type=content_type), "multipart_first_part")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"no boundary here", "multipart/mixed"),
        (b"--b\r\nContent-Type: application/json\r\n\r\n{}", "multipart/mixed; boundary=b"),
        (b"garbage without delimiter", "multipart/mixed; boundary=b"),
        (b"--b\r\nbroken header line\r\n\r\n{}\r\n--b--", "multipart/mixed; boundary=b"),
        (b"--b--\r\n", "multipart/mixed; boundary=b"),
    ],
    ids=["no-boundary", "unterminated", "no-delimiter", "bad-header", "no-parts"],
)
def test_broken_multipart_is_400(api, body, content_type):
    rejected(api.post(body, content_type=content_type))


def test_get_with_attachments_returns_multipart(api):
    data = ex.statement(id=str(uuid.uuid4()), attachments=[attachment_for(CONTENT)])
    post_multipart(api, data, part(CONTENT))
    response = api.get(params={"statementId": data["id"], "attachments": "true"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("multipart/mixed")
    first, second = parse_multipart(response.content, response["Content-Type"])
    assert json.loads(first.content)["id"] == data["id"]
    assert second.content == CONTENT
    assert second.headers["x-experience-api-hash"] == sha(CONTENT)
    assert second.headers["content-transfer-encoding"] == "binary"


def test_query_with_attachments(api):
    post_multipart(api, ex.statement(attachments=[attachment_for(CONTENT)]), part(CONTENT))
    response = api.get(params={"attachments": "true"})
    first, second = parse_multipart(response.content, response["Content-Type"])
    assert len(json.loads(first.content)["statements"]) == 1 and second.content == CONTENT


# --- signed statements ---------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted(api, signer, alg):
    key, certificate = signer
    original = ex.statement(id=str(uuid.uuid4()))
    response = signed_post(api, original, jws(json.dumps(original).encode(), key, alg=alg, x5c=certificate))
    assert response.status_code == 200, response.content


def test_signed_statement_without_x5c_is_checked_for_form_and_content(api, signer):
    key, _certificate = signer
    original = ex.statement()
    assert signed_post(api, original, jws(json.dumps(original).encode(), key)).status_code == 200


def test_signature_with_another_algorithm_is_refused(api, signer):
    key, _ = signer
    original = ex.statement()
    rejected(signed_post(api, original, jws(json.dumps(original).encode(), key, alg="HS256")), "signature_algorithm")


def test_signature_of_broken_json_is_refused(api, signer):
    key, _ = signer
    original = ex.statement()
    rejected(signed_post(api, original, jws(json.dumps(original).encode()[:-3], key)), "signature_payload")


def test_signature_of_another_statement_is_refused(api, signer):
    key, _ = signer
    other = ex.statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})
    rejected(signed_post(api, ex.statement(), jws(json.dumps(other).encode(), key)), "signature_mismatch")


def test_signature_not_matching_its_certificate_is_refused(api, signer):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = ex.statement()
    token = jws(json.dumps(original).encode(), impostor, x5c=signer[1])
    rejected(signed_post(api, original, token), "signature_invalid")


def test_signature_part_with_wrong_content_type_is_refused(api, signer):
    key, _ = signer
    original = ex.statement()
    token = jws(json.dumps(original).encode(), key)
    rejected(signed_post(api, original, token, content_type="text/plain; charset=ascii"))


def test_malformed_jws_is_refused(api):
    rejected(signed_post(api, ex.statement(), b"not-a-jws"), "signature_malformed")
