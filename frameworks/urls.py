"""Mounted at /competencies/ (namespace "frameworks", with `ambassadors.urls_public`): the default
RELAIS_COMPETENCY_BASE_IRI is <RELAIS_BASE_URL>/competencies."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(r"^(?P<slug>[-a-z0-9]+)\.csv$", views.framework_csv_download, name="csv"),
    path("<slug:slug>", views.framework_detail, name="framework"),
    path("<slug:slug>/case.json", views.framework_case, name="case"),
    path("<slug:slug>/niveaux/<int:number>", views.level_detail, name="level"),
    path("<slug:slug>/domaines/<str:code>", views.domain_detail, name="domain"),
    re_path(r"^(?P<slug>[-a-z0-9]+)/(?P<code>\d+\.\d+)$", views.competency_detail, name="competency"),
]
