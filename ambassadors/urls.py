"""The teacher's pages under /competences/ (namespace "competencies", composed in lms/urls.py with
`maps.urls`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("mes-competences/", views.my_competencies, name="my_competencies"),
    path("ambassadeur/consentement/", views.consent_update, name="consent"),
    path("ambassadeur/badge/<int:proposal_id>/", views.badge_download, name="badge"),
    path("ambassadeur/badge/<int:proposal_id>/affichage/", views.badge_display, name="badge_display"),
]
