"""Report branding: a checked, re-encoded logo and a readable colour (issue 8, points 2 and 5)."""

from __future__ import annotations

import io

import pytest
import weasyprint  # noqa: F401 - it sets PIL's LOAD_TRUNCATED_IMAGES globally: the checks must hold anyway
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments.branding import contrast_with_white
from trustier.models import AuditEvent


def image_bytes(fmt="PNG", size=(120, 60), extra=b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 79, 113)).save(out, format=fmt)
    return out.getvalue() + extra


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post(client, org, **data):
    return client.post(reverse("branding", kwargs={"slug": org.slug}), data)


def test_owner_uploads_a_logo_and_a_colour(client, personas, org, media) -> None:
    client.force_login(personas["owner"])
    # when the owner uploads a JPEG with something appended and picks a dark colour
    logo = SimpleUploadedFile("logo.jpg", image_bytes("JPEG", extra=b"<script>alert(1)</script>"), "image/jpeg")
    response = post(client, org, logo=logo, brand_colour="#0B4F71")
    # then it is stored as a clean PNG under MEDIA_ROOT/logos, without the appended bytes, and audited
    assert response.status_code == 302
    org.refresh_from_db()
    stored = (media / org.logo.name).read_bytes()
    assert org.logo.name.startswith("logos/") and stored.startswith(b"\x89PNG") and b"script" not in stored
    assert org.brand_colour == "#0b4f71"
    assert AuditEvent.objects.filter(verb="organisation.branding").count() == 1
    # and members see it, outsiders do not
    url = reverse("branding_logo", kwargs={"slug": org.slug})
    assert client.get(url)["Content-Type"] == "image/png"
    client.force_login(personas["outsider"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>", "logo.svg",
     "not a readable PNG or JPEG"),
    (image_bytes("GIF"), "logo.gif", "must be a PNG or JPEG"),
    (image_bytes(size=(10, 10)), "tiny.png", "between 32 and 4000 pixels"),
    (image_bytes()[:60], "cut.png", "not a readable PNG or JPEG"),
    (b"%PDF-1.7 not an image", "logo.png", "not a readable PNG or JPEG"),
    (b"\x89PNG" + b"0" * (2 * 1024 * 1024), "huge.png", "larger than 2 MB"),
])
def test_bad_logos_get_a_clear_message_and_nothing_is_stored(client, personas, org, media, content, name, message) -> None:
    client.force_login(personas["consultant"])
    response = post(client, org, logo=SimpleUploadedFile(name, content), brand_colour="#0b4f71")
    assert response.status_code == 200 and message in response.content.decode()
    org.refresh_from_db()
    assert not org.logo and not list(media.rglob("*.png"))


def test_a_decompression_bomb_is_refused(client, personas, org, media) -> None:
    # a small file that claims 30,000 × 30,000 pixels
    bomb = io.BytesIO()
    Image.new("1", (30000, 30000)).save(bomb, format="PNG")
    client.force_login(personas["owner"])
    response = post(client, org, logo=SimpleUploadedFile("bomb.png", bomb.getvalue()), brand_colour="")
    assert response.status_code == 200 and "not a readable PNG or JPEG" in response.content.decode()
    assert not list(media.rglob("*.png"))


@pytest.mark.parametrize(("colour", "message"), [
    ("#ffff00", "too light for text on white"), ("red", "six hexadecimal digits"), ("#12345", "six hexadecimal digits"),
])
def test_unreadable_or_malformed_colours_are_refused(client, personas, org, colour, message) -> None:
    client.force_login(personas["owner"])
    response = post(client, org, brand_colour=colour)
    assert response.status_code == 200 and message in response.content.decode()
    org.refresh_from_db()
    assert org.brand_colour == ""


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)
