from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("parcours/<int:course_id>/inscription/", views.course_enroll, name="enroll"),
    path("modules/<int:module_id>/etapes/<str:block_id>/terminer/", views.step_complete, name="step_complete"),
    path("modules/<int:module_id>/quiz/<str:block_id>/", views.quiz_submit, name="quiz_submit"),
    path("modules/<int:module_id>/terminer/", views.module_complete, name="module_complete"),
]
