from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("parcours/<int:page_id>/", views.course, name="course"),
    path("territoires/", views.territories, name="territories"),
    path("export/", views.export, name="export"),
    path("actualiser/", views.refresh, name="refresh"),
]
