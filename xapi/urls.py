"""The LRS endpoint, /xapi/<resource>, without trailing slashes: clients POST and PUT here."""

from django.urls import path

from .http.about import AboutView

app_name = "xapi"
urlpatterns = [
    path("about", AboutView.as_view(), name="about"),
]
