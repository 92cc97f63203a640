"""Mounted at /competencies/: the default RELAIS_COMPETENCY_BASE_IRI is <RELAIS_BASE_URL>/competencies."""

from django.urls import path, re_path

from . import views_badges
from . import views_public as views

app_name = "frameworks"
urlpatterns = [
    path("badges/issuer", views_badges.badge_issuer, name="badge_issuer"),
    path("badges/jwks.json", views_badges.badge_jwks, name="badge_jwks"),
    path("badges/keys/<int:key_id>", views_badges.badge_key, name="badge_key"),
    path("badges/status/<int:number>", views_badges.badge_status_list, name="badge_status_list"),
    path("badges/<uuid:credential_uuid>", views_badges.badge_verify, name="badge_verify"),
    re_path(r"^(?P<slug>[-a-z0-9]+)\.csv$", views.framework_csv_download, name="csv"),
    path("<slug:slug>", views.framework_detail, name="framework"),
    path("<slug:slug>/case.json", views.framework_case, name="case"),
    path("<slug:slug>/niveaux/<int:number>", views.level_detail, name="level"),
    path("<slug:slug>/domaines/<str:code>", views.domain_detail, name="domain"),
    re_path(r"^(?P<slug>[-a-z0-9]+)/(?P<code>\d+\.\d+)$", views.competency_detail, name="competency"),
]
