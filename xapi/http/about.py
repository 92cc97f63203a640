from django.http import JsonResponse

from .base import SUPPORTED_VERSIONS, XapiView


class AboutView(XapiView):
    """GET /xapi/about: the versions this LRS speaks. Needs neither credentials nor a version header."""

    version_required = False
    authentication_required = False
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        return JsonResponse({"version": sorted(SUPPORTED_VERSIONS), "extensions": {}})
