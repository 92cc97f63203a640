"""The Content-Security-Policy headers: the site's allows no inline code but by nonce; the admin's is its own."""

import re

import pytest
from django.http import HttpResponse

from lms.content_security import RelaisCSPMiddleware


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.django_db
def test_the_site_policy_allows_no_inline_code(client):
    site = directives(client.get("/comptes/login/")["Content-Security-Policy"])
    # No site template needs an inline script: the login page uses no nonce at all.
    assert site["script-src"] == "'self'"
    assert "'unsafe-inline'" not in site["style-src"] and "'unsafe-inline'" not in site["style-src-attr"]
    assert site["object-src"] == "'none'" and site["frame-ancestors"] == "'none'"
    assert site["base-uri"] == "'self'" and site["default-src"] == "'self'"


@pytest.mark.django_db
def test_the_admin_policy_allows_inline_code_from_this_site_only(client):
    admin = directives(client.get("/admin/login/")["Content-Security-Policy"])
    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert admin["style-src-attr"] == "'unsafe-inline'"
    assert admin["frame-ancestors"] == "'self'" and admin["object-src"] == "'none'"
    assert directives(client.get("/django-admin/login/")["Content-Security-Policy"]) == admin


def test_a_page_that_uses_the_nonce_gets_a_fresh_one_in_its_header(rf):
    middleware = RelaisCSPMiddleware(lambda request: HttpResponse(f'<script nonce="{request.csp_nonce}"></script>'))
    nonces = []
    for _ in range(2):
        response = middleware(rf.get("/competences/pilotage/"))
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_static_files_carry_no_page_policy(client):
    """The demo cmi5 content is a static page with its own inline script: WhiteNoise serves it untouched."""
    response = client.get("/static/courses/cmi5/au.html")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
