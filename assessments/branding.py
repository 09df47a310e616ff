"""Logo and colour of an organisation's reports. Uploads are checked and re-encoded before storing.

A logo must be a PNG or JPEG (no SVG: it can carry scripts and links), at most 2 MB and between
32 and 4000 pixels on each side; Pillow decodes it fully (a truncated or disguised file fails) and it
is stored re-encoded as PNG, which drops metadata and anything appended to the image. The colour
must be #rrggbb with a contrast of at least 4.5:1 against white, because report headings use it.
"""

from __future__ import annotations

import io
import re

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from assessments.models import Organisation
from assessments.services import DomainError
from trustier.audit import audit_record

MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 32, 4000
FORMATS = {"PNG", "JPEG"}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of #rrggbb against white."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def colour_problem(colour: str) -> str | None:
    if not colour:
        return None
    if not COLOUR.match(colour):
        return _("Give the colour as # and six hexadecimal digits, e.g. #0b4f71.")
    if contrast_with_white(colour) < MIN_CONTRAST:
        return _("This colour is too light for text on white (contrast %(ratio).1f:1, at least 4.5:1 is needed). "
                 "Choose a darker shade.") % {"ratio": contrast_with_white(colour)}
    return None


def logo_png(data: bytes) -> bytes:
    """The uploaded bytes checked and re-encoded as PNG; DomainError with a clear message otherwise."""
    if len(data) > MAX_BYTES:
        raise DomainError(_("The logo is larger than 2 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
        if kind not in FORMATS:
            raise DomainError(_("The logo must be a PNG or JPEG image."))
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise DomainError(_("The logo must be between %(min)s and %(max)s pixels wide and high; this one is "
                                "%(w)s × %(h)s.") % {"min": MIN_SIDE, "max": MAX_SIDE, "w": width, "h": height})
        with Image.open(io.BytesIO(data)) as check:
            check.verify()  # checksums and completeness; load() alone accepts truncated files once WeasyPrint
            # has set PIL.ImageFile.LOAD_TRUNCATED_IMAGES (it does so globally on import)
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise DomainError(_("This file is not a readable PNG or JPEG image.")) from None
    return out.getvalue()


def branding_update(*, actor, organisation: Organisation, logo: bytes | None, remove_logo: bool,
                    colour: str) -> Organisation:
    problem = colour_problem(colour)
    if problem:
        raise DomainError(problem)
    before = {"logo": bool(organisation.logo), "colour": organisation.brand_colour}
    png = logo_png(logo) if logo else None
    if (png or remove_logo) and organisation.logo:
        organisation.logo.delete(save=False)
    if png:
        organisation.logo.save(f"{organisation.slug}.png", ContentFile(png), save=False)
    organisation.brand_colour = colour.lower()
    organisation.save(update_fields=["logo", "brand_colour"])
    audit_record(actor=actor, organisation=organisation, verb="organisation.branding", obj=organisation,
                 before=before, after={"logo": bool(organisation.logo), "colour": organisation.brand_colour})
    return organisation
