"""The badges' public documents under /competencies/badges/ (namespace "frameworks", composed in
lms/urls.py with `frameworks.urls`: the badges' IRIs live under the competency base IRI)."""

from django.urls import path

from . import views_badges

urlpatterns = [
    path("badges/issuer", views_badges.badge_issuer, name="badge_issuer"),
    path("badges/jwks.json", views_badges.badge_jwks, name="badge_jwks"),
    path("badges/keys/<int:key_id>", views_badges.badge_key, name="badge_key"),
    path("badges/status/<int:number>", views_badges.badge_status_list, name="badge_status_list"),
    path("badges/<uuid:credential_uuid>", views_badges.badge_verify, name="badge_verify"),
]
