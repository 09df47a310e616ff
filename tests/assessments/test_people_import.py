"""People import: good files apply in one go; every kind of bad file gives a clear error and writes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from assessments.models import Person, Unit
from assessments.people_import import ImportFileError, people_import_apply, people_import_plan, people_import_read
from trustier.models import AuditEvent

GOOD = "external_id;email;first_name;last_name;language;unit;manager\nA1;a1@x.test;Ann;Smit;nl;Sales/North;\nA2;a2@x.test;Bob;Bos;en;Sales/North;A1\n"


def _rows(text: str, name: str = "people.csv", encoding: str = "utf-8"):
    return people_import_read(name=name, data=text.encode(encoding))


def test_apply_creates_people_units_and_managers(org, owner_user):
    # given a good CSV
    rows = _rows(GOOD)
    # when it is applied
    plan = people_import_apply(actor=owner_user, organisation=org, rows=rows)
    # then both people exist with unit and manager, and the audit log says so
    assert plan.ok and len(plan.create) == 2
    bob = Person.objects.get(organisation=org, external_id="A2")
    assert bob.unit.path == "Sales/North" and bob.manager.external_id == "A1"
    assert AuditEvent.objects.filter(organisation=org, verb="people.imported").count() == 1


def test_apply_twice_changes_nothing_the_second_time(org, owner_user):
    people_import_apply(actor=owner_user, organisation=org, rows=_rows(GOOD))
    plan = people_import_plan(organisation=org, rows=_rows(GOOD))
    assert plan.create == [] and plan.update == [] and plan.unchanged == 2


def test_dutch_headers_comma_separator_and_bom(org, owner_user):
    text = "\ufeffPersoneelsnummer,E-mailadres,Voornaam,Achternaam,Taal,Afdeling,Leidinggevende\nN1,n1@x.test,Els,Vos,nl,Operations,\n"
    plan = people_import_apply(actor=owner_user, organisation=org, rows=_rows(text))
    assert plan.ok and Person.objects.get(external_id="N1").unit.path == "Operations"


def test_xlsx_file(org, owner_user):
    wb = Workbook()
    ws = wb.active
    ws.append(["external_id", "email", "unit"])
    ws.append(["X1", "x1@x.test", "Sales/South"])
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = people_import_apply(actor=owner_user, organisation=org, rows=people_import_read(name="p.xlsx", data=buffer.getvalue()))
    assert plan.ok and Person.objects.filter(external_id="X1").exists()


def test_one_bad_row_among_500_blocks_everything(org):
    lines = ["external_id;email"] + [f"B{i};b{i}@x.test" for i in range(500)]
    lines[250] = "B249x;not-an-email"
    plan = people_import_plan(organisation=org, rows=_rows("\n".join(lines)))
    assert plan.errors == ["Row 251: 'not-an-email' is not a valid email address."]


@pytest.mark.parametrize(("text", "message"), [
    ("external_id;email\nA;a@x.test\nA;b@x.test\n", "external id A appears again (first on row 2)"),
    ("external_id;email;manager\nA;a@x.test;B\nB;b@x.test;A\n", "loops back to itself"),
    ("external_id;email;manager\nA;a@x.test;ZZ\n", "manager ZZ is neither in the file"),
    ("external_id;email;last_name\nA;a@x.test;=HYPERLINK(\"x\")\n", "formula character"),
    ("external_id;email;language\nA;a@x.test;fr\n", "language must be nl or en"),
])
def test_row_errors_are_clear(org, text, message):
    plan = people_import_plan(organisation=org, rows=_rows(text))
    assert any(message in e for e in plan.errors), plan.errors


def test_unknown_unit_is_an_error_when_units_are_not_created(org):
    plan = people_import_plan(organisation=org, rows=_rows("external_id;email;unit\nA;a@x.test;Nowhere\n"), create_units=False)
    assert plan.errors == ["Row 2: unknown unit Nowhere."]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("p.csv", "external_id;email\nA;é@x.test\n".encode("latin-1"), "not UTF-8"),
    ("p.csv", b"name;post\nA;a@x.test\n", "Missing required column(s): external_id, email"),
    ("p.csv", b"", "empty"),
    ("p.csv", b"x" * (20 * 1024 * 1024), "larger than 5 MB"),
    ("p.xlsx", b"this is not a spreadsheet", "not a valid .xlsx"),
    ("p.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx"),
    ("p.csv", b"\x00\x01\x02binary", "not a text CSV"),
])
def test_bad_files_are_refused_with_a_message(name, data, message):
    with pytest.raises(ImportFileError) as excinfo:
        people_import_read(name=name, data=data)
    assert message in str(excinfo.value)


def test_zip_bomb_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        people_import_read(name="bomb.xlsx", data=buffer.getvalue())


def test_deactivate_missing(org, owner_user):
    people_import_apply(actor=owner_user, organisation=org, rows=_rows(GOOD))
    plan = people_import_apply(actor=owner_user, organisation=org, rows=_rows("external_id;email\nA1;a1@x.test\n"), deactivate_missing=True)
    assert [p.external_id for p in plan.deactivate] == ["A2"]
    assert not Person.objects.get(external_id="A2").is_active


def test_preview_then_apply_through_the_views(client, org, owner_user):
    # given an owner on the import page
    client.force_login(owner_user)
    url = reverse("people_import", kwargs={"slug": org.slug})
    upload = io.BytesIO(GOOD.encode())
    upload.name = "people.csv"
    # when they upload, nothing is written yet; the preview says what will happen
    response = client.post(url, {"file": upload, "create_units": "on"})
    assert response.status_code == 200 and "2 people will be created" in response.content.decode()
    assert not Person.objects.filter(organisation=org).exists()
    # then confirming applies it once; a second confirm with the same token does nothing
    token = response.context["token"]
    confirm = reverse("people_import_confirm", kwargs={"slug": org.slug})
    assert client.post(confirm, {"token": token}).status_code == 302
    assert Person.objects.filter(organisation=org).count() == 2
    client.post(confirm, {"token": token})
    assert Person.objects.filter(organisation=org).count() == 2


def test_forged_token_gets_a_message_not_an_error(client, org, owner_user):
    client.force_login(owner_user)
    response = client.post(reverse("people_import_confirm", kwargs={"slug": org.slug}), {"token": "../../etc/passwd"}, follow=True)
    assert response.status_code == 200 and "expired" in response.content.decode()


def test_bad_file_through_the_view_writes_nothing(client, org, owner_user):
    client.force_login(owner_user)
    upload = io.BytesIO(b"external_id;email\nA;bad\n")
    upload.name = "people.csv"
    response = client.post(reverse("people_import", kwargs={"slug": org.slug}), {"file": upload})
    assert "nothing was imported" in response.content.decode()
    assert not Person.objects.filter(organisation=org).exists()
    assert not Unit.objects.filter(organisation=org, path__startswith="Nowhere").exists()


@pytest.fixture
def owner_user(org):
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=org, role="owner").user


def test_a_20_mb_upload_is_refused_by_the_view(client, org, owner_user):
    client.force_login(owner_user)
    upload = io.BytesIO(b"external_id;email\n" + b"A;a@x.test\n" * (2 * 1024 * 1024))
    upload.name = "big.csv"
    response = client.post(reverse("people_import", kwargs={"slug": org.slug}), {"file": upload})
    assert response.status_code == 200 and "larger than 5 MB" in response.content.decode()
    assert not Person.objects.filter(organisation=org).exists()
