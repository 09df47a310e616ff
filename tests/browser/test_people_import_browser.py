"""In Debian Chromium: log in, switch language, import a small CSV, see the people list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_imports_people_in_dutch(live_server, page, org, tmp_path):
    # given an owner of Acme and a small CSV with Dutch headers
    owner = MembershipFactory(organisation=org, role="owner").user
    csv = tmp_path / "mensen.csv"
    csv.write_text("Personeelsnummer;E-mailadres;Voornaam;Achternaam;Afdeling\nK1;k1@x.test;Kees;Klaassen;Sales/North\nK2;k2@x.test;Lies;Laan;Sales/South\n")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    # when they log in
    log_in(page, live_server.url, owner)
    # and switch to Dutch
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("link", name="Mensen", exact=True)).to_be_visible()
    # and import the file
    page.get_by_role("link", name="Mensen", exact=True).click()
    page.get_by_role("link", name="Mensen importeren").click()
    page.get_by_label("CSV- of XLSX-bestand").set_input_files(str(csv))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_text("2 mensen worden aangemaakt")).to_be_visible()
    page.get_by_role("button", name="Import toepassen").click()
    # then the people list shows them, and nothing was fetched from outside the server
    expect(page.get_by_text("Import klaar: 2 aangemaakt", exact=False)).to_be_visible()
    expect(page.get_by_role("cell", name="Kees Klaassen", exact=True)).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "people-phone.png"), full_page=True)
    assert outside == []
