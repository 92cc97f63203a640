from django.urls import path

from . import views

app_name = "competencies"
urlpatterns = [
    path("mes-competences/", views.my_competencies, name="my_competencies"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
]
