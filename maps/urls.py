"""The managers' pages under /competences/ (namespace "competencies", composed in lms/urls.py with
`ambassadors.urls`)."""

from django.urls import path

from . import views_ambassadors, views_pilotage

urlpatterns = [
    path("tableau-de-bord/", views_pilotage.dashboard, name="dashboard"),
    path("pilotage/", views_pilotage.pilotage, name="pilotage"),
    path("ambassadeurs/", views_ambassadors.ambassadors, name="ambassadors"),
    path("ambassadeurs/recalculer/", views_ambassadors.ambassadors_recompute, name="ambassadors_recompute"),
    path("ambassadeurs/propositions/<int:proposal_id>/", views_ambassadors.proposal_decision, name="proposal_decision"),
    path("ambassadeurs/regles/", views_ambassadors.policy_edit, name="ambassador_policy"),
]
