"""T12 in Debian Chromium: the Content-Security-Policy blocks nothing on the main pages (no inline script,
no inline style, no event-handler attribute), and what moved to static/js/trustier.js still works: the
language switcher, the confirmation before closing a wave, the preview form that is never sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.models import Wave
from reports.models import ReportExport
from surveys.services import instrument_copy
from tests.browser.helpers import log_in
from tests.factories import AssessmentFactory, MembershipFactory, WaveFactory, core_version
from tests.reports.test_dashboard_data import build, incident_between
from tests.surveys.respond_helpers import invite, open_wave

pytestmark = pytest.mark.django_db(transaction=True)
# Every violation event (also those fired while the HTML is parsed) lands in window.__violations.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Visits:
    """Opens pages in one tab and collects the CSP violations each page reported."""

    def __init__(self, page, base):
        self.page, self.base, self.violations, self.count = page, base, {}, 0
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self._console(m))

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.setdefault(self.page.url, []).append(message.text)

    def collect(self):
        self.page.wait_for_load_state("load")
        found = self.page.evaluate("window.__violations || []")
        if found:
            self.violations.setdefault(self.page.url, []).extend(found)
        self.count += 1

    def control(self):
        """The listener does see what the policy blocks: an inline style added to the page."""
        self.page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
        self.page.wait_for_function("window.__violations.length > 0", timeout=5000)
        assert "style-src" in self.page.evaluate("window.__violations[0]")
        self.page.wait_for_timeout(200)  # the console message of the same violation
        self.page.evaluate("window.__violations = []")
        self.violations.clear()

    def open(self, path):
        response = self.page.goto(self.base + path)
        assert response.status < 400, f"{path}: {response.status}"
        assert "script-src 'self';" in response.headers.get("content-security-policy", "") + ";"
        self.collect()


def test_main_pages_report_no_csp_violations_and_scripts_still_work(live_server, browser, org):
    # given an organisation with two closed waves, an incident, an export in progress, a draft instrument,
    # an open wave with invitations, and its owner
    _assessment, waves = build(org, waves=2, sizes={"Sales/North": 30, "Sales/South": 12, "Operations": 25})
    incident = incident_between(org, waves, title="New commission plan announced")
    running = ReportExport.objects.create(organisation=org, wave=waves[1], format="csv", language="en",
                                          status="running", progress=40)
    draft = instrument_copy(actor=None, organisation=org, version=core_version("core-inside"))
    fielded = open_wave(org)
    invite(fielded), invite(fielded)
    closable = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.OPEN)
    token = invite(open_wave(org))
    owner = MembershipFactory(organisation=org, role="owner").user
    context = browser.new_context()
    visits = Visits(context.new_page(), live_server.url)
    page = visits.page
    # when the owner logs in and opens the main pages
    log_in(page, live_server.url, owner)
    visits.control()
    visits.collect()
    for path in ("/o/acme/", "/o/acme/dashboard/", "/o/acme/dashboard/heatmap/", "/o/acme/incidents/",
                 f"/o/acme/incidents/{incident.pk}/", "/o/acme/exports/", f"/o/acme/exports/{running.pk}/",
                 "/o/acme/people/", "/o/acme/units/", "/o/acme/members/", "/o/acme/branding/", "/o/acme/audit/",
                 "/workspace/", "/o/acme/instruments/", f"/o/acme/instruments/v/{draft.pk}/",
                 f"/o/acme/instruments/v/{draft.pk}/preview/?phone=1", "/o/acme/assessments/",
                 f"/o/acme/assessments/waves/{fielded.pk}/"):
        visits.open(path)
    # then the charts, the export's progress bar and the preview render with their classes
    visits.open("/o/acme/dashboard/")
    assert page.locator("svg[role=img]").count() >= 2
    visits.open(f"/o/acme/exports/{running.pk}/")
    bar = page.locator(".progress-bar").bounding_box()
    track = page.locator(".progress").bounding_box()
    assert 0.35 < bar["width"] / track["width"] < 0.45  # 40 %, from the .pct-40 class
    # and the preview form is never sent
    visits.open(f"/o/acme/instruments/v/{draft.pk}/preview/")
    before = page.url
    page.locator("form[data-no-submit] input[type=radio]").first.press("Enter")
    page.wait_for_timeout(300)
    assert page.url == before
    # and closing a wave early asks first: dismissing keeps it open
    visits.open(f"/o/acme/assessments/waves/{closable.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Close early").click()
    page.wait_for_timeout(300)
    closable.refresh_from_db()
    assert closable.status == Wave.Status.OPEN
    # and the language switcher sends its form on change
    page.locator("#lang").select_option("nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("link", name="Mensen", exact=True)).to_be_visible()
    visits.collect()
    page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visits.collect()
    context.close()
    # and a respondent answering with their link (autosave uses fetch) reports nothing either
    respondent = browser.new_context(viewport={"width": 390, "height": 844})
    answering = Visits(respondent.new_page(), live_server.url)
    answering.open(f"/r/{token}/?lang=en")
    expect(answering.page.get_by_text("Section 1 of", exact=False)).to_be_visible()
    assert answering.page.locator(".progress-bar").bounding_box()["width"] > 0
    with answering.page.expect_response(lambda r: "/r/" in r.url and r.request.method == "POST", timeout=15000) as saved:
        answering.page.locator(".scale-option label").first.click()
    assert saved.value.ok
    answering.collect()
    respondent.close()
    pages = visits.count + answering.count
    violations = {url: v for url, v in {**visits.violations, **answering.violations}.items() if v}
    print(f"\nT12 browser: {pages} pages: {sum(map(len, violations.values()))} violations")
    assert violations == {}
