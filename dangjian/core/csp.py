"""The content security policy (django-csp), strict by default.

settings.CONTENT_SECURITY_POLICY allows scripts, styles, images and fonts from this site only, no
inline script, no framing. The back office runs on django-unfold, whose Alpine.js evaluates its
``x-data`` expressions (needs 'unsafe-eval') and whose templates carry inline ``style`` attributes
('unsafe-inline' for styles only); this middleware (listed after CSPMiddleware, so it sees the
response first) adds exactly those two for back-office pages. The member portal (/m/) and the
residents' pages (/c/) keep the strict policy: they use no script at all.
"""

STRICT_PREFIXES = ("/m/", "/c/")
THEME_NEEDS = {"script-src": ["'unsafe-eval'"], "style-src": ["'unsafe-inline'"]}


class BackOfficePolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(STRICT_PREFIXES):
            response._csp_update = THEME_NEEDS
        return response
