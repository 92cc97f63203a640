from django.urls import path

from . import views, views_questionnaire

app_name = "courses"
urlpatterns = [
    path("parcours/<int:course_id>/inscription/", views.course_enroll, name="enroll"),
    path("parcours/<int:course_id>/attestation/", views.certificate, name="certificate"),
    path("parcours/<int:course_id>/attestation.pdf", views.certificate_download, name="certificate_pdf"),
    path("mes-formations/", views.my_learning, name="my_learning"),
    path("modules/<int:module_id>/sessions/<str:block_id>/agenda.ics", views.session_calendar, name="session_ics"),
    path("attestations/verifier/", views.certificate_verify, name="certificate_verify_form"),
    path("attestations/verifier/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("modules/<int:module_id>/etapes/<str:block_id>/terminer/", views.step_complete, name="step_complete"),
    path("modules/<int:module_id>/quiz/<str:block_id>/", views.quiz_submit, name="quiz_submit"),
    path("modules/<int:module_id>/sessions/<str:block_id>/", views.session_register, name="session_register"),
    path("modules/<int:module_id>/productions/<str:block_id>/", views.task_submit, name="task_submit"),
    path("modules/<int:module_id>/journal/<str:block_id>/", views.journal_write, name="journal_write"),
    path("modules/<int:module_id>/cmi5/<str:block_id>/lancer/", views.cmi5_launch, name="cmi5_launch"),
    path("cmi5/fetch/<uuid:fetch_id>", views.cmi5_fetch, name="cmi5_fetch"),
    path("modules/<int:module_id>/terminer/", views.module_complete, name="module_complete"),
    path(
        "modules/<int:module_id>/questionnaire/<str:block_id>/",
        views_questionnaire.questionnaire_submit,
        name="questionnaire_submit",
    ),
    path("suivi/<str:token>/", views_questionnaire.follow_up, name="follow_up"),
    path("parcours/<int:course_id>/suivi/merci/", views_questionnaire.follow_up_thanks, name="follow_up_thanks"),
    path("formateur/", views.trainer_home, name="trainer_home"),
    path("formateur/modules/<int:module_id>/sessions/<str:block_id>/", views.attendance, name="attendance"),
    path("formateur/productions/<int:submission_id>/", views.submission_review, name="submission_review"),
    path("productions/<int:submission_id>/fichier/", views.submission_file, name="submission_file"),
]
