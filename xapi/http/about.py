from django.http import JsonResponse

from xapi.versions import ABOUT_VERSIONS

from .base import XapiView


class AboutView(XapiView):
    """GET /xapi/about: the versions this LRS speaks. Needs neither credentials nor a version header."""

    version_required = False
    authentication_required = False
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        return JsonResponse({"version": list(ABOUT_VERSIONS), "extensions": {}})
