"""WeasyPrint fetches only the app's static files and uploaded logos (issue 8, point 5)."""

from __future__ import annotations

import base64
import http.server
import subprocess
import threading

import pytest

from reports.pdf import pdf_from_html

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def listener():
    """A web server on loopback that counts every request it gets: a report must never call it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_internal_addresses_and_local_files_are_refused(listener, tmp_path, settings) -> None:
    base, hits = listener
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    # given a report whose HTML (e.g. a tampered logo URL or comment) points at internal places
    sources = [f"{base}/admin.png", f"file://{secret}", "http://169.254.169.254/latest/meta-data/",
               "/static/../../../etc/passwd", "/media/logos/../../../etc/hostname", "ftp://127.0.0.1/x.png"]
    html = "<h1>Report</h1>" + "".join(f'<img src="{s}">' for s in sources)
    html += f'<link rel="stylesheet" href="{base}/evil.css">'
    # when it is rendered
    pdf, refused = pdf_from_html(html)
    # then the PDF is made, no request reached the server, and every source was refused
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert len(refused) == len(sources) + 1  # the stylesheet too


def test_own_static_files_and_uploaded_logos_are_used(tmp_path, settings) -> None:
    # given a logo uploaded under MEDIA_ROOT/logos and the app's own stylesheet
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "client.png").write_bytes(PNG)
    html = '<link rel="stylesheet" href="/static/css/trustier.css"><img src="/media/logos/client.png" alt="Client"><p>Hello</p>'
    # when rendered / then nothing is refused and the logo is in the PDF as an image
    pdf, refused = pdf_from_html(html)
    assert refused == []
    out = tmp_path / "r.pdf"
    out.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert [line.split()[2] for line in images.strip().splitlines()[2:]] == ["image", "smask"]  # the logo + its alpha


def test_a_symlink_out_of_the_logo_folder_is_refused(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(PNG)
    (tmp_path / "media" / "logos" / "link.png").symlink_to(tmp_path / "outside.png")
    _, refused = pdf_from_html('<img src="/media/logos/link.png">')
    assert refused == ["https://report.trustier.invalid/media/logos/link.png"]


def test_t4_no_url_in_a_report_reaches_a_server_or_a_local_file(listener, tmp_path, settings) -> None:
    """T4 (issue 10): every way HTML can make WeasyPrint fetch something, pointed at places it must not reach."""
    base, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-SECRET-CANARY")
    # given a report whose HTML (a tampered comment, unit name or logo URL) asks for internal resources
    # in every form WeasyPrint follows: images, stylesheets, @import, url() in styles, attachments, redirects
    targets = [f"{base}/canary.png", f"{base}/redirect?to=file://{secret}", f"file://{secret}", "file:///etc/passwd",
               "http://127.0.0.1:6379/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:5432/",
               "/static/../../../etc/passwd", "/media/logos/../../../etc/hostname", "ftp://127.0.0.1/x.png"]
    html = "".join(
        f'<img src="{u}"><link rel="stylesheet" href="{u}"><link rel="attachment" href="{u}">'
        f'<a rel="attachment" href="{u}">a</a><object data="{u}"></object>'
        f'<style>@import url("{u}"); p {{ background: url("{u}") }}</style>'
        for u in targets) + "<p>Report</p>"
    # when it is rendered
    pdf, refused = pdf_from_html(html)
    out = tmp_path / "r.pdf"
    out.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    attachments = subprocess.run(["pdfdetach", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    local_bytes = sum(needle in text for needle in ("LOCAL-SECRET-CANARY", "root:x:0:0"))
    print(f"T4 {len(targets)} URLs: {len(hits)} canary hits, {local_bytes} local bytes in PDF "
          f"({len(refused)} fetches refused)")
    # then no request reached the canary server, no local file is in the PDF, nothing is attached
    assert hits == [] and local_bytes == 0
    assert attachments.strip().startswith("0 embedded files")
    assert {url.split("?")[0] for url in refused} >= {t.split("?")[0] for t in targets if "://" in t}
