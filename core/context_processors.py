"""Template context shared by every page: the CSP nonce for django-htmx."""


def csp_nonce(request):
    # django-htmx's {% htmx_script %} reads `csp_nonce`; django-csp provides `CSP_NONCE`.
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
