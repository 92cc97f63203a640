from django.urls import path

from . import views, views_ambassadors, views_pilotage

app_name = "competencies"
urlpatterns = [
    path("mes-competences/", views.my_competencies, name="my_competencies"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("pilotage/", views_pilotage.pilotage, name="pilotage"),
    path("ambassadeur/consentement/", views_ambassadors.consent_update, name="consent"),
    path("ambassadeurs/", views_ambassadors.ambassadors, name="ambassadors"),
    path("ambassadeurs/recalculer/", views_ambassadors.ambassadors_recompute, name="ambassadors_recompute"),
    path("ambassadeurs/propositions/<int:proposal_id>/", views_ambassadors.proposal_decision, name="proposal_decision"),
    path("ambassadeurs/regles/", views_ambassadors.policy_edit, name="ambassador_policy"),
    path("ambassadeur/badge/<int:proposal_id>/", views_ambassadors.badge_download, name="badge"),
    path("ambassadeur/badge/<int:proposal_id>/affichage/", views_ambassadors.badge_display, name="badge_display"),
]
