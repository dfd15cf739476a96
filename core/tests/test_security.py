"""Security headers on every page, and no caching of pages with personal data."""

import re

from django.urls import reverse


def _policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as directive -> its sources."""
    parts = response["Content-Security-Policy"].split(";")
    return dict(part.strip().split(" ", 1) for part in parts)


def test_login_page_sends_a_strict_csp_without_inline_allowances(client, db):
    response = client.get(reverse("login"))

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_csp_allows_scripts_with_the_pages_own_nonce(client, db):
    response = client.get(reverse("login"))

    nonces = re.findall(r'<script [^>]*nonce="([^"]+)"', response.content.decode())
    assert len(nonces) == 1
    assert _policy(response)["script-src"] == f"'self' 'nonce-{nonces[0]}'"


def test_csp_never_carries_the_bare_word_nonce(client, hr_user, org):
    client.force_login(hr_user)
    pages = [reverse("login"), reverse("svc:hr_start", kwargs={"org": org.slug}), "/finns-inte/"]

    policies = [client.get(url)["Content-Security-Policy"] for url in pages]

    assert [policy for policy in policies if "'nonce'" in policy] == []


def test_each_page_gets_a_new_nonce(client, db):
    first, second = (_policy(client.get(reverse("login")))["script-src"] for _ in range(2))

    assert first != second


def test_pages_of_a_logged_in_user_are_not_stored(client, hr_user, org):
    client.force_login(hr_user)

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache"} <= cache_control


def test_templates_carry_no_inline_scripts_or_styles(client, db):
    page = client.get(reverse("login")).content.decode()

    assert "style=" not in page
    assert "<style" not in page
    for chunk in page.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script found: <script{tag}>"


def test_a_missing_page_uses_the_custom_404(client, db):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_server_error_page_is_the_custom_swedish_one(rf, db):
    from svc.views import error_500

    request = rf.get("/")
    response = error_500(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Något gick fel</h1>" in page
    assert "Ett oväntat fel inträffade och har loggats." in page


def test_forbidden_page_is_the_custom_swedish_one(client, steering_user, org):
    client.force_login(steering_user)

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    assert response.status_code == 403
    assert "<h1>Åtkomst nekad</h1>" in response.content.decode()
