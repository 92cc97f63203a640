"""The document store services, without HTTP."""

from __future__ import annotations

import hashlib
import json

import pytest

from xapi import documents as store
from xapi.models import Document

pytestmark = pytest.mark.django_db

STATE = store.DocumentScope(kind=Document.Kind.STATE, activity_id="http://x.example/a", agent_key="mbox:mailto:a@b.fr")
PROFILE = store.DocumentScope(kind=Document.Kind.ACTIVITY_PROFILE, activity_id="http://x.example/a")
NONE = store.Preconditions()


def put(scope=STATE, document_id="d", content=b'{"a": 1}', content_type="application/json", pre=NONE, require=False):
    return store.document_put(
        scope=scope,
        document_id=document_id,
        content=content,
        content_type=content_type,
        preconditions=pre,
        require_preconditions=require,
    )


def post(scope=STATE, document_id="d", content=b'{"b": 2}', content_type="application/json", pre=NONE):
    return store.document_post_merge(
        scope=scope, document_id=document_id, content=content, content_type=content_type, preconditions=pre
    )


def test_put_stores_content_type_etag_and_update_time():
    document = put(content=b"hello", content_type="text/plain; charset=utf-8")
    stored = store.document_get(scope=STATE, document_id="d")
    assert bytes(stored.content) == b"hello"
    assert stored.content_type == "text/plain; charset=utf-8"
    assert stored.etag == hashlib.sha1(b"hello", usedforsecurity=False).hexdigest()
    assert stored.updated == document.updated


def test_missing_content_type_is_octet_stream():
    assert put(content=b"\x00", content_type=None).content_type == "application/octet-stream"


def test_over_long_content_type_is_invalid():
    with pytest.raises(store.DocumentInvalid):
        put(content_type="text/" + "x" * 300)


def test_profile_creation_and_replace_both_need_a_header():
    # Creation without a header: 400 (the ADL suite, XAPI-00273); replacing without one: 409.
    with pytest.raises(store.DocumentInvalid):
        put(scope=PROFILE, require=True)
    assert store.document_get(scope=PROFILE, document_id="d") is None
    put(scope=PROFILE, pre=store.Preconditions(if_none_match="*"), require=True)
    with pytest.raises(store.DocumentConflict):
        put(scope=PROFILE, content=b'{"a": 2}', require=True)
    etag = store.document_get(scope=PROFILE, document_id="d").etag
    put(scope=PROFILE, content=b'{"a": 2}', pre=store.Preconditions(if_match=f'"{etag}"'), require=True)
    assert bytes(store.document_get(scope=PROFILE, document_id="d").content) == b'{"a": 2}'


@pytest.mark.parametrize(
    ("exists", "pre", "fails"),
    [
        (True, store.Preconditions(if_match="*"), False),
        (False, store.Preconditions(if_match="*"), True),
        (True, store.Preconditions(if_match='"nope"'), True),
        (True, store.Preconditions(if_none_match="*"), True),
        (False, store.Preconditions(if_none_match="*"), False),
        (True, store.Preconditions(if_none_match='"nope"'), False),
    ],
)
def test_preconditions(exists, pre, fails):
    if exists:
        put()
    if fails:
        with pytest.raises(store.DocumentPreconditionFailed):
            put(content=b'{"z": 0}', pre=pre)
    else:
        put(content=b'{"z": 0}', pre=pre)
        assert bytes(store.document_get(scope=STATE, document_id="d").content) == b'{"z": 0}'


def test_if_none_match_with_the_current_tag_fails():
    document = put()
    with pytest.raises(store.DocumentPreconditionFailed):
        put(pre=store.Preconditions(if_none_match=f'"{document.etag}"'))


def test_merge_keeps_the_stored_content_type():
    put(content_type="application/json; charset=utf-8")
    merged = post()
    assert json.loads(bytes(merged.content)) == {"a": 1, "b": 2}
    assert merged.content_type == "application/json; charset=utf-8"
    assert merged.etag == hashlib.sha1(bytes(merged.content), usedforsecurity=False).hexdigest()


def test_post_creates_with_any_content_type():
    created = post(content=b"1", content_type="application/x-www-form-urlencoded")
    assert bytes(created.content) == b"1"


def test_failed_merge_changes_nothing():
    original = put()
    with pytest.raises(store.DocumentInvalid):
        post(content=b"[1]")
    stored = store.document_get(scope=STATE, document_id="d")
    assert stored.etag == original.etag and stored.updated == original.updated


def test_list_ids_and_delete_all_cover_every_registration_only_for_state():
    registered = store.DocumentScope(**{**STATE.__dict__, "registration": "8f2e4c1a-3b5d-4e6f-9a7b-1c2d3e4f5a6b"})
    put(document_id="plain")
    put(scope=registered, document_id="registered")
    put(scope=PROFILE, document_id="profile")

    assert store.documents_list_ids(scope=STATE)[0] == ["plain", "registered"]
    assert store.documents_list_ids(scope=registered)[0] == ["registered"]
    assert store.document_delete(scope=registered, document_id=None, preconditions=NONE) == 1
    assert store.document_delete(scope=STATE, document_id=None, preconditions=NONE) == 1
    assert store.documents_list_ids(scope=PROFILE)[0] == ["profile"]


def test_list_reports_the_latest_update():
    put(document_id="a")
    latest = put(document_id="b")
    ids, last = store.documents_list_ids(scope=STATE)
    assert ids == ["a", "b"] and last == latest.updated
    assert store.documents_list_ids(scope=STATE, since=latest.updated) == ([], None)


def test_concurrent_first_writes_retry_against_the_winner(monkeypatch):
    # Losing the race: the winner's row is committed but our lookup ran before it, so we insert and
    # hit the unique constraint; the retry then sees the winner and applies the rules to it.
    put(content=b'{"winner": true}')
    real_documents = store.DocumentScope.documents
    lookups = []

    def stale_first_lookup(self, **kwargs):
        lookups.append(1)
        return Document.objects.none() if len(lookups) == 1 else real_documents(self, **kwargs)

    monkeypatch.setattr(store.DocumentScope, "documents", stale_first_lookup)
    with pytest.raises(store.DocumentPreconditionFailed):
        put(content=b'{"loser": true}', pre=store.Preconditions(if_none_match="*"))
    monkeypatch.undo()
    assert json.loads(bytes(store.document_get(scope=STATE, document_id="d").content)) == {"winner": True}
