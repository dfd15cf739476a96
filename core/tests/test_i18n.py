"""Swedish and English catalogues are complete, and the language switch works."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("sv", "en")


def _catalogue(lang) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


def _untranslated(po):
    return [
        e.msgid
        for e in po
        if not e.obsolete
        and (
            (not e.msgid_plural and not e.msgstr)
            or (e.msgid_plural and not all(e.msgstr_plural.values()))
        )
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_message(lang):
    po = _catalogue(lang)

    assert _untranslated(po) == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


def test_catalogue_holds_every_string_in_the_code(tmp_path):
    """makemessages on a copy of the code finds no msgid that the catalogue lacks."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if name.startswith("locale/"):
            continue
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    (tmp_path / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--ignore=locale", "-v0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    fresh = polib.pofile(str(tmp_path / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in _catalogue("sv") if not e.obsolete}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert missing == [], "Run `make makemessages` and translate these: " + repr(missing)


def test_default_language_is_swedish(client, db):
    page = client.get(reverse("login")).content.decode()

    assert '<html lang="sv">' in page
    assert "<h1>Logga in</h1>" in page


def test_language_switch_shows_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/logga-in/"})
    assert response.status_code == 302

    english = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Log in</h1>" in english

    client.post(reverse("set_language"), {"language": "sv", "next": "/logga-in/"})
    assert "<h1>Logga in</h1>" in client.get(reverse("login")).content.decode()


def test_a_browser_asking_for_english_gets_swedish(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "<h1>Logga in</h1>" in page
    assert response["Content-Language"] == "sv"
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_logged_in_user_who_never_chose_gets_swedish_whatever_the_browser_asks(
    client, hr_user, org
):
    client.force_login(hr_user)

    response = client.get(
        reverse("svc:hr_start", kwargs={"org": org.slug}), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert '<html lang="sv">' in response.content.decode()
    assert "<h1>Programadministration</h1>" in response.content.decode()


def test_the_visitors_choice_is_remembered_for_a_year(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/logga-in/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert "Cookie" in client.get(reverse("login"))["Vary"]


def test_a_cookie_naming_no_language_of_the_site_gives_swedish(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    assert '<html lang="sv">' in client.get(reverse("login")).content.decode()
