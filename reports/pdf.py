"""HTML → PDF with WeasyPrint, fetching nothing but the app's own static files and uploaded logos.

WeasyPrint would otherwise follow any URL in the HTML — http(s) to internal addresses, file:// to
local files. `AppFetcher` answers only URLs under the report's own (fake, never resolved) origin:
/static/… from Django's static file finders and /media/logos/… from MEDIA_ROOT/logos, with the
resolved path checked to stay inside those folders; `data:` images are inline and allowed.
Everything else is refused and recorded in `refused`, and WeasyPrint leaves the resource out.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ORIGIN = "https://report.trustier.invalid/"  # .invalid never resolves (RFC 2606); only a name for relative URLs
LOGO_DIR = "logos"


class AppFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._local_file(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"Refused to fetch {url!r}: reports load only the app's static files and logos.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type}, 200)

    @staticmethod
    def _local_file(url: str) -> Path | None:
        if not url.startswith(ORIGIN):
            return None
        relative = url[len(ORIGIN):].split("?")[0].split("#")[0]
        static, media = settings.STATIC_URL.lstrip("/"), settings.MEDIA_URL.lstrip("/") + LOGO_DIR + "/"
        if relative.startswith(static):
            found = finders.find(relative[len(static):])
            candidate, roots = (Path(found) if found else None), [Path(d) for d in settings.STATICFILES_DIRS]
            roots.append(Path(settings.STATIC_ROOT))
        elif relative.startswith(media):
            candidate = Path(settings.MEDIA_ROOT) / LOGO_DIR / relative[len(media):]
            roots = [Path(settings.MEDIA_ROOT) / LOGO_DIR]
        else:
            return None
        if candidate is None:
            return None
        resolved = candidate.resolve()
        inside = any(resolved.is_relative_to(root.resolve()) for root in roots)
        return resolved if inside and resolved.is_file() else None


def pdf_from_html(html: str) -> tuple[bytes, list[str]]:
    """The PDF bytes and the URLs that were refused."""
    fetcher = AppFetcher()
    document = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True), fetcher.refused
