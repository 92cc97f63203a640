"""The Content-Security-Policy of each part of the site: the public site's (settings) and the admin's.

The public site allows no inline script or style without the request's nonce. The Wagtail and Django
admins cannot: Wagtail writes inline scripts itself (inline panels, date pickers) and inline styles
(widths, colours), which we do not control. They are used only by signed-in staff, so they get a policy
that still keeps everything to this site (no third-party script, no plugin, no framing by others) but
allows inline code. Wagtail's page preview lives under /admin/ too and is framed by the editor: the
admin policy lets this site frame it.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def admin_policy() -> dict:
    """The admin's directives: the site's, with inline scripts and styles, framed by the site itself."""
    site = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return {
        **site,
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-attr": [UNSAFE_INLINE],
        # Image choosers preview uploads from blob: URLs; Draftail and the userbar use data: icons.
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }


class RelaisCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on admin paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIXES):
            parts.config = admin_policy()
        return parts
