"""The site's icon: linked from every page, and /favicon.ico answers for those that ask there."""

import io
import re

from django.templatetags.static import static
from django.urls import reverse
from PIL import Image


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_favicon_ico_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.ico")
    assert response["Cache-Control"] == "max-age=86400"


def test_the_static_icon_is_an_ico_image_in_three_sizes(client, db):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    image = Image.open(io.BytesIO(_body(response)))
    assert image.format == "ICO"
    assert image.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_pages_link_the_icon_in_ico_and_svg(client, db):
    page = client.get(reverse("login")).content.decode()

    links = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert links == [static("favicon.ico"), static("favicon.svg")]
    svg = client.get(static("favicon.svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert _body(svg).startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
