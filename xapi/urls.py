"""The LRS endpoint, /xapi/<resource>, without trailing slashes: clients POST and PUT here."""

from django.urls import path

from .http.about import AboutView
from .http.activities import ActivitiesView
from .http.agents import AgentsView
from .http.documents import ActivityProfileView, AgentProfileView, StateView
from .http.statements import StatementsMoreView, StatementsView

app_name = "xapi"
urlpatterns = [
    path("about", AboutView.as_view(), name="about"),
    path("statements", StatementsView.as_view(), name="statements"),
    path("statements/more/<str:token>", StatementsMoreView.as_view(), name="statements-more"),
    path("activities/state", StateView.as_view(), name="activities-state"),
    path("activities/profile", ActivityProfileView.as_view(), name="activities-profile"),
    path("activities", ActivitiesView.as_view(), name="activities"),
    path("agents/profile", AgentProfileView.as_view(), name="agents-profile"),
    path("agents", AgentsView.as_view(), name="agents"),
]
