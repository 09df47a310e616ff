"""People import from CSV or XLSX: read and validate every row first, then apply in one transaction.

`people_import_read` turns a file into rows (or raises ImportFileError with a clear message);
`people_import_plan` checks every row against the file and the database and says what would change;
`people_import_apply` re-plans inside one transaction and writes it all, or nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Organisation, Person, Unit
from assessments.services import unit_ensure_path
from trustier.audit import audit_fields, audit_record
from trustier.models import AuditEvent

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_XLSX_UNCOMPRESSED = 60 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Accepted column headers, English and Dutch, compared after lower-casing and removing spaces/_/-.
HEADERS = {
    "external_id": {"externalid", "id", "employeeid", "personeelsnummer", "medewerkernummer", "nummer"},
    "email": {"email", "e-mail", "emailaddress", "e-mailadres", "emailadres", "mail"},
    "first_name": {"firstname", "givenname", "voornaam"},
    "last_name": {"lastname", "surname", "familyname", "achternaam"},
    "language": {"language", "taal"},
    "unit": {"unit", "department", "team", "afdeling", "eenheid"},
    "manager": {"manager", "managerid", "leidinggevende", "manager_id"},
    "tenure": {"tenure", "tenureband", "dienstjaren", "dienstverband"},
    "location": {"location", "locatie", "vestiging"},
}
REQUIRED = ("external_id", "email")
LANGUAGES = {"nl": "nl", "nederlands": "nl", "dutch": "nl", "en": "en", "english": "en", "engels": "en", "": ""}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Plan:
    rows: list[dict]
    errors: list[str] = field(default_factory=list)
    create: list[dict] = field(default_factory=list)
    update: list[tuple[Person, dict]] = field(default_factory=list)
    unchanged: int = 0
    deactivate: list[Person] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def people_import_read(*, name: str, data: bytes) -> list[dict]:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB. Split it or remove unused columns."))
    if name.lower().endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return _rows_from_table(table)


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("This is not a text CSV file. Save it from Excel as 'CSV UTF-8'."))
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file is not UTF-8 encoded. Save it from Excel as 'CSV UTF-8' and try again."))
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    # one row more than the cap is enough to refuse the file: never parse a million rows
    return list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_ROWS + 2))


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("This is not a valid .xlsx file.")) from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(_("The spreadsheet unpacks to more than 60 MB; it cannot be imported."))
    if _sheet_rows(archive) - 1 > MAX_ROWS:  # before openpyxl, which scans a sheet without <dimension> in full
        raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise ImportFileError(_("This is not a valid .xlsx file.")) from exc


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _sheet_rows(archive: zipfile.ZipFile) -> int:
    """The most <row> elements in any worksheet part, counted by streaming its (size-capped) XML."""
    most = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        count, tail = 0, b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(1024 * 1024):
                    buffer = tail + chunk
                    count += sum(1 for m in _ROW_TAG.finditer(buffer) if m.end() > len(tail))
                    tail = buffer[-64:]
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise ImportFileError(_("This is not a valid .xlsx file.")) from exc
        most = max(most, count)
    return most


def _canonical(header: str) -> str | None:
    key = re.sub(r"[\s_\-]", "", header.strip().lower().lstrip("\ufeff"))
    for name, aliases in HEADERS.items():
        if key in {re.sub(r"[\s_\-]", "", a) for a in aliases}:
            return name
    return None


def _rows_from_table(table: list[list[str]]) -> list[dict]:
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise ImportFileError(_("The file is empty."))
    columns = [_canonical(h) for h in table[0]]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            _("Missing required column(s): %(cols)s. The first row must name the columns, e.g. external_id;email;first_name;last_name;unit;manager.")
            % {"cols": ", ".join(missing)}
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        row = {"_line": number}
        for column, value in zip(columns, raw, strict=False):
            if column:
                row[column] = value.strip()
        rows.append(row)
    return rows


def people_import_plan(*, organisation: Organisation, rows: list[dict], create_units: bool = True, deactivate_missing: bool = False) -> Plan:
    plan = Plan(rows=rows)
    existing = {p.external_id: p for p in Person.objects.filter(organisation=organisation).select_related("unit", "manager")}
    units = {u.path: u for u in Unit.objects.filter(organisation=organisation)}
    seen: dict[str, int] = {}
    managers: dict[str, str] = {p.external_id: p.manager.external_id for p in existing.values() if p.manager}
    for row in rows:
        _check_row(row, plan, seen, units, create_units)
        if row.get("external_id"):
            managers[row["external_id"]] = row.get("manager", "")
    _check_managers(rows, plan, existing, managers)
    if plan.errors:
        return plan
    for row in rows:
        wanted = _wanted(row)
        person = existing.get(row["external_id"])
        if person is None:
            plan.create.append(row)
        else:
            changes = _changes(person, wanted)
            if changes:
                plan.update.append((person, changes))
            else:
                plan.unchanged += 1
    if deactivate_missing:
        plan.deactivate = [p for key, p in existing.items() if key not in seen and p.is_active]
    return plan


def _error(plan: Plan, row: dict, message: str) -> None:
    plan.errors.append(_("Row %(line)s: %(message)s") % {"line": row["_line"], "message": message})


def _check_row(row: dict, plan: Plan, seen: dict, units: dict, create_units: bool) -> None:
    key = row.get("external_id", "")
    if not key:
        _error(plan, row, _("the external id is empty."))
    elif key in seen:
        _error(plan, row, _("external id %(id)s appears again (first on row %(first)s).") % {"id": key, "first": seen[key]})
    else:
        seen[key] = row["_line"]
    try:
        validate_email(row.get("email", ""))
    except Exception:  # noqa: BLE001
        _error(plan, row, _("'%(email)s' is not a valid email address.") % {"email": row.get("email", "")[:80]})
    for column in ("first_name", "last_name", "unit", "tenure", "location"):
        if row.get(column, "").startswith(FORMULA_START):
            _error(plan, row, _("the value in column %(col)s starts with a formula character (= + - @); remove it.") % {"col": column})
    if row.get("language", "").lower() not in LANGUAGES:
        _error(plan, row, _("language must be nl or en."))
    path = _unit_path(row)
    if path and path not in units:
        if create_units:
            if path not in plan.new_units:
                plan.new_units.append(path)
        else:
            _error(plan, row, _("unknown unit %(unit)s.") % {"unit": path})


def _check_managers(rows: list[dict], plan: Plan, existing: dict, managers: dict) -> None:
    for row in rows:
        manager = row.get("manager", "")
        if manager and manager not in managers and manager not in existing:
            _error(plan, row, _("manager %(id)s is neither in the file nor in the organisation.") % {"id": manager})
        elif manager and _has_cycle(row["external_id"], managers):
            _error(plan, row, _("the manager chain of %(id)s loops back to itself.") % {"id": row["external_id"]})


def _has_cycle(start: str, managers: dict) -> bool:
    current, steps = managers.get(start, ""), 0
    while current and steps <= len(managers):
        if current == start:
            return True
        current, steps = managers.get(current, ""), steps + 1
    return False


def _unit_path(row: dict) -> str:
    return "/".join(p.strip() for p in row.get("unit", "").split("/") if p.strip())


def _wanted(row: dict) -> dict:
    attributes = {k: row[k] for k in ("tenure", "location") if row.get(k)}
    return {
        "email": row["email"].lower(),
        "first_name": row.get("first_name", ""),
        "last_name": row.get("last_name", ""),
        "language": LANGUAGES[row.get("language", "").lower()] or "nl",
        "unit": _unit_path(row),
        "manager": row.get("manager", ""),
        "attributes": attributes,
        "is_active": True,
    }


def _current(person: Person) -> dict:
    return {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "language": person.language,
        "unit": person.unit.path if person.unit else "",
        "manager": person.manager.external_id if person.manager else "",
        "attributes": person.attributes,
        "is_active": person.is_active,
    }


def _changes(person: Person, wanted: dict) -> dict:
    current = _current(person)
    return {k: (current[k], v) for k, v in wanted.items() if current[k] != v}


@transaction.atomic
def people_import_apply(*, actor, organisation: Organisation, rows: list[dict], create_units: bool = True, deactivate_missing: bool = False) -> Plan:
    """Apply the file: all rows or none. Running it twice changes nothing the second time."""
    plan = people_import_plan(organisation=organisation, rows=rows, create_units=create_units, deactivate_missing=deactivate_missing)
    if not plan.ok:
        return plan
    units = {u.path: u for u in Unit.objects.filter(organisation=organisation)}
    for path in plan.new_units:
        unit_ensure_path(actor=actor, organisation=organisation, path=path, cache=units)
    now = timezone.now()
    created = Person.objects.bulk_create(
        Person(organisation=organisation, external_id=row["external_id"], updated_at=now, **_person_fields(_wanted(row), units))
        for row in plan.create
    )
    updated = []
    for person, changes in plan.update:
        for name, value in _person_fields({k: new for k, (_old, new) in changes.items()}, units).items():
            setattr(person, name, value)
        person.updated_at = now
        updated.append(person)
    Person.objects.bulk_update(updated, ["email", "first_name", "last_name", "language", "unit", "attributes", "is_active", "updated_at"], batch_size=1000)
    for person in plan.deactivate:
        person.is_active = False
    Person.objects.bulk_update(plan.deactivate, ["is_active"], batch_size=1000)
    _link_managers(organisation, rows)
    _audit(actor, organisation, created, plan)
    return plan


def _person_fields(values: dict, units: dict) -> dict:
    fields = {k: v for k, v in values.items() if k not in ("unit", "manager")}
    if "unit" in values:
        fields["unit"] = units.get(values["unit"]) if values["unit"] else None
    return fields


def _link_managers(organisation: Organisation, rows: list[dict]) -> None:
    ids = dict(Person.objects.filter(organisation=organisation).values_list("external_id", "id"))
    people = Person.objects.filter(organisation=organisation, external_id__in=[r["external_id"] for r in rows])
    wanted = {r["external_id"]: ids.get(r.get("manager", "")) for r in rows}
    changed = [p for p in people if p.manager_id != wanted[p.external_id]]
    for person in changed:
        person.manager_id = wanted[person.external_id]
    Person.objects.bulk_update(changed, ["manager"], batch_size=1000)


def _audit(actor, organisation: Organisation, created: list[Person], plan: Plan) -> None:
    events = [AuditEvent(**audit_fields(actor=actor, organisation=organisation, verb="person.created", obj=p, after={"email": p.email})) for p in created]
    events += [
        AuditEvent(**audit_fields(actor=actor, organisation=organisation, verb="person.updated", obj=p,
                                  before={k: old for k, (old, _new) in c.items()}, after={k: new for k, (_old, new) in c.items()}))
        for p, c in plan.update
    ]
    events += [AuditEvent(**audit_fields(actor=actor, organisation=organisation, verb="person.deactivated", obj=p,
                                         before={"is_active": True}, after={"is_active": False})) for p in plan.deactivate]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    audit_record(actor=actor, organisation=organisation, verb="people.imported",
                 after={"created": len(created), "updated": len(plan.update), "deactivated": len(plan.deactivate), "units_created": len(plan.new_units)})
