"""T5 (issue 10): two tenants, every URL of the access matrix, every role, GET and POST, foreign ids in paths
and in form bodies.

Tenant A is the `org` fixture ("acme"); tenant B ("beta") is seeded with TENANT-B-CANARY in every text field
its rows have (organisation, units, people, assessments, waves, incidents, comments ...). The URL list and
each URL's kwargs builder come from tests/assessments/test_access_matrix.py (every tests/*/access_rows*.py),
so a new URL with a row is covered here without any change. Roles: anonymous, a respondent (a browser that
opened a survey link of A), manager of A, consultant of A and B (one user), consultant of B, owner of A.

Each URL is requested in three shapes: A's page with A's objects; A's slug with B's object ids substituted;
B's slug with B's objects. A user who may not see B gets 404 (403 where the matrix says the role is wrong),
never B's canary; the consultant of both sees B's pages only under B's slug. Every form on A's pages is also
sent with B's ids in its id-like fields: refused or ignored, and nothing of B changes.
Reported line: "U URLs × R roles × 2 tenants × M methods = N requests: 0 mismatches, 0 leaks".
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from assessments.models import Organisation
from surveys import answering
from surveys.forms_respond import nonce_new
from tests.assessments.test_access_matrix import MATRIX
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, unit_tree
from tests.surveys.respond_helpers import instrument_of, invite, open_wave, respond_url

CANARY = "TENANT-B-CANARY"
PATHS = ["Sales/North", "Sales/South", "Operations"]
ROLES = ["anonymous", "respondent", "manager_a", "consultant_ab", "consultant_b", "owner_a"]
MEMBER_OF_B = {"consultant_ab", "consultant_b"}
MATRIX_ROLE = {"manager_a": "manager", "consultant_ab": "consultant", "consultant_b": "consultant", "owner_a": "owner"}
SKIP_FIELD = re.compile(r"hash|key|token|slug|path|code|language|colou?r|status|kind|role|format|mime|file|sha|uuid|"
                        r"verb|dimension|referent|keying|audience|anonymity|password|secret|ip|timezone|domain|url", re.I)


# --- tenant B --------------------------------------------------------------------------------------

def org_path(model) -> str | None:
    """The shortest lookup from `model` to its Organisation over forward foreign keys (None: not tenant data)."""
    if model is Organisation:
        return "pk"
    queue = deque([(model, "", 0)])
    while queue:
        current, prefix, depth = queue.popleft()
        for field in current._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or field.related_model is current:
                continue
            lookup = f"{prefix}{field.name}"
            if field.related_model is Organisation:
                return lookup
            if depth < 3:
                queue.append((field.related_model, f"{lookup}__", depth + 1))
    return None


def tenant_rows(organisation) -> dict[str, list[dict]]:
    """Every row of every model that belongs to `organisation`, as values (the fingerprint of a tenant)."""
    found = {}
    for model in apps.get_models():
        path = org_path(model)
        if path and model._meta.label not in ("sessions.Session",):
            found[model._meta.label] = list(model.objects.filter(**{path: organisation.pk}).order_by("pk").values())
    return found


def seed_canary(organisation) -> int:
    """Put CANARY into every non-empty text field of every row of `organisation` (emails get a canary address)."""
    changed = 0
    for model in apps.get_models():
        path = org_path(model)
        if not path:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
                  and not f.choices and not f.primary_key and not SKIP_FIELD.search(f.name)
                  and (f.max_length is None or f.max_length >= 30)]
        if not fields:
            continue
        for row in model.objects.filter(**{path: organisation.pk}):
            updates = {}
            for field in fields:
                value = getattr(row, field.attname)
                if not value:
                    continue
                if isinstance(field, models.EmailField):
                    updates[field.attname] = f"{CANARY.lower()}-{model.__name__.lower()}-{row.pk}@beta.test"
                elif CANARY not in value:
                    updates[field.attname] = f"{CANARY} {value}"[: field.max_length or None]
            if updates:
                model.objects.filter(pk=row.pk).update(**updates)
                changed += 1
    return changed


def tenant_b():
    organisation = OrganisationFactory(name=f"{CANARY} Beta", slug="beta")
    units = unit_tree(organisation, [f"{CANARY} {p}" for p in PATHS])
    organisation.test_units = {path.removeprefix(f"{CANARY} "): unit for path, unit in units.items()}
    for i, path in enumerate(PATHS):
        PersonFactory(organisation=organisation, unit=organisation.test_units[path], external_id=f"B{i}",
                      first_name=f"{CANARY} First", last_name=f"{CANARY} Last", attributes={"tenure": "2-5"})
    # answers with comments: a wave of B with six responses
    wave = open_wave(organisation)
    for _ in range(6):
        state, invitation = answering.link_lookup(token=(token := invite(wave)))
        session = answering.session_for(invitation=invitation, secret=token)
        answers = {item.key: (f"{CANARY} comment" if item.role == "comment" else "5") for item in session.instrument.items}
        answering.response_submit(session=session, answers=answers, language="en", submission_key=nonce_new())
    return organisation


# --- kwargs and requests -----------------------------------------------------------------------------

def build_kwargs(name, organisation, slug):
    method, _statuses, *make = MATRIX[name]
    kwargs = make[0](organisation) if make else {"slug": slug}
    return {**kwargs, "slug": slug}


def expected(name, role, shape, method) -> set[int]:
    """The statuses allowed for `role` opening URL `name` in `shape` (own, foreign-ids, foreign) with `method`."""
    matrix_method, statuses, *_ = MATRIX[name]
    if role in ("anonymous", "respondent"):
        return {302, 405}
    if entitled(role, shape):
        return {statuses[MATRIX_ROLE[role]]}
    wrong_role = {403} if statuses.get(MATRIX_ROLE[role]) == 403 else set()
    return {404, 405} | wrong_role


def entitled(role, shape) -> bool:
    return (shape == "own" and role in MATRIX_ROLE and role != "consultant_b") or (shape == "foreign" and role in MEMBER_OF_B)


def may_see_canary(role, shape) -> bool:
    return shape == "foreign" and role in MEMBER_OF_B


def leaks(body: str, role: str, org_b) -> bool:
    if role in MEMBER_OF_B:  # the organisation switcher names every organisation of the user
        body = body.replace(org_b.name, "")
    return CANARY.lower() in body.lower()


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


class Forms(HTMLParser):
    """The forms of a page: action, method and their fields with default values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1]["fields"].append((a["name"], a.get("value") or "on", False))
            else:
                self.forms[-1]["fields"].append((a["name"], a.get("value") or "", True))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].append((a["name"], "", True))
        elif tag == "option" and self._select and a.get("value"):
            self.forms[-1]["fields"].append((self._select, a["value"], False))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


ID_KINDS = (("unit", "unit"), ("wave", "wave"), ("person", "person"), ("manager", "person"), ("assessment", "assessment"),
            ("incident", "incident"), ("version", "version"), ("export", "export"), ("member", "membership"))


def foreign_body(form: dict, b_ids: dict) -> dict[str, list[str]] | None:
    """The form's fields with each id-like field holding B's ids (None when the form has no id-like field)."""
    body: dict[str, list[str]] = {}
    swapped = False
    for name, value, default in form["fields"]:
        kind = next((k for word, k in ID_KINDS if word in name.lower()), None)
        if kind is None and value.isdigit() and name not in ("csrfmiddlewaretoken",):
            kind = "unit"
        if kind and kind in b_ids:
            if not swapped or name not in body:
                body[name] = [str(i) for i in b_ids[kind]]
            swapped = True
        elif default:
            body.setdefault(name, []).append(value)
    return body if swapped else None


def b_object_ids(org_b) -> dict[str, list[int]]:
    from assessments.models import Assessment, Incident, Membership, Person, Unit, Wave
    from reports.models import ReportExport
    from surveys.models import InstrumentVersion

    return {k: v for k, v in {
        "unit": list(Unit.objects.filter(organisation=org_b).values_list("pk", flat=True)),
        "wave": list(Wave.objects.filter(assessment__organisation=org_b).values_list("pk", flat=True)),
        "person": list(Person.objects.filter(organisation=org_b).values_list("pk", flat=True)),
        "assessment": list(Assessment.objects.filter(organisation=org_b).values_list("pk", flat=True)),
        "incident": list(Incident.objects.filter(organisation=org_b).values_list("pk", flat=True)),
        "version": list(InstrumentVersion.objects.filter(instrument__organisation=org_b).values_list("pk", flat=True)),
        "export": list(ReportExport.objects.filter(organisation=org_b).values_list("pk", flat=True)),
        "membership": list(Membership.objects.filter(organisation=org_b).values_list("pk", flat=True)),
    }.items() if v}


def cross_links(org_a, org_b) -> list[str]:
    """Rows of A that point at a row of B (over any foreign key or many-to-many between tenant models)."""
    found = []
    for model in apps.get_models():
        path = org_path(model)
        if not path:
            continue
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if not isinstance(field, (models.ForeignKey, models.ManyToManyField)) or field.related_model is Organisation:
                continue
            target = org_path(field.related_model)
            if not target or (path != "pk" and path.startswith(f"{field.name}__")):
                continue
            lookup = {path: org_a.pk, f"{field.name}__{target}": org_b.pk}
            if model.objects.filter(**lookup).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


# --- the test ----------------------------------------------------------------------------------------

def _clients(org_a, org_b, personas):
    """Clients of every role; B gets a full set of personas too, so that every row's kwargs builder works for it."""
    manager, both, owner = personas["manager"], personas["consultant"], personas["owner"]
    MembershipFactory(organisation=org_b, role="consultant", user=both)
    only_b = MembershipFactory(organisation=org_b, role="consultant",
                               user=UserFactory(full_name=f"{CANARY} Consultant", email="tenant-b-canary-user@beta.test")).user
    for role, unit in (("owner", None), ("manager", org_b.test_units["Sales"]), ("viewer", None)):
        MembershipFactory(organisation=org_b, role=role, unit=unit,
                          user=UserFactory(full_name=f"{CANARY} {role}", email=f"tenant-b-canary-{role}@beta.test"))
    clients = {role: Client(raise_request_exception=False) for role in ROLES}
    for role, user in (("manager_a", manager), ("consultant_ab", both), ("consultant_b", only_b), ("owner_a", owner)):
        clients[role].force_login(user)
    token = invite(open_wave(org_a))
    assert clients["respondent"].get(respond_url(token)).status_code == 200
    return clients


def test_no_tenant_sees_or_touches_the_other(org, personas, capsys):
    # given tenant A (acme) and tenant B (beta, canary everywhere), both with each URL's objects built
    org_b = tenant_b()
    clients = _clients(org, org_b, personas)
    names = sorted(MATRIX)
    kwargs = {"own": {n: build_kwargs(n, org, "acme") for n in names}}
    b_kwargs = {n: build_kwargs(n, org_b, "beta") for n in names}
    kwargs["foreign"] = b_kwargs
    # B's ids under A's slug, where B's objects differ from A's (core instruments are shared by every tenant)
    kwargs["foreign_ids"] = {n: {**b_kwargs[n], "slug": "acme"} for n in names
                             if {**b_kwargs[n], "slug": "acme"} != kwargs["own"][n]}
    assert seed_canary(org_b) > 10
    ids = b_object_ids(org_b)
    assert {"unit", "wave", "person", "assessment"} <= set(ids)
    before = tenant_rows(org_b)
    mismatches, leaked, errors, requests = [], [], [], 0

    def check(role, shape, name, method, response):
        allowed = expected(name, role, shape, method)
        where = f"{role} {method.upper()} {name} ({shape}) → {response.status_code}"
        if response.status_code >= 500:
            errors.append(where)
        elif response.status_code not in allowed:
            mismatches.append(f"{where}, expected {sorted(allowed)}")
        elif role in ("anonymous", "respondent") and response.status_code == 302 and \
                not response["Location"].startswith(reverse("login")):
            mismatches.append(f"{where} to {response['Location']}")
        if not may_see_canary(role, shape) and leaks(body_of(response), role, org_b):
            leaked.append(where)

    # when every role requests every URL with both methods: A's page, A's slug with B's ids, and B's page
    # (B's members on B's pages last: they may change B legitimately)
    order = [(r, s) for s in ("own", "foreign_ids", "foreign") for r in ROLES if not (s == "foreign" and r in MEMBER_OF_B)]
    order += [(r, "foreign") for r in ROLES if r in MEMBER_OF_B]
    a_pages = {}
    for role, shape in order:
        if (role, shape) == (order[-2][0], "foreign"):
            after_outsiders = tenant_rows(org_b)
        for name, kw in kwargs[shape].items():
            url = reverse(name, kwargs=kw)
            for method in ("get", "post"):
                if entitled(role, shape) and method != MATRIX[name][0]:
                    continue  # the other method on one's own page may change it (delete ...): the matrix's own tests
                response = getattr(clients[role], method)(url)
                requests += 1
                check(role, shape, name, method, response)
                if role == "owner_a" and shape == "own" and method == "get" and response.status_code == 200:
                    a_pages[url] = body_of(response)
    # and the owner of A sends every form of A's pages with B's ids in its id-like fields
    forms_sent, sent_to = 0, []
    for url, html in a_pages.items():
        for form in page_forms(html):
            action = urljoin(url, form["action"]) if form["action"] else url
            path = urlparse(action).path
            if not path.startswith("/o/acme/") or form["method"] not in ("get", "post"):
                continue
            body = foreign_body(form, ids)
            if body is None:
                continue
            response = getattr(clients["owner_a"], form["method"])(path, body)
            forms_sent += 1
            sent_to.append(f"{form['method'].upper()} {path} {sorted(body)}")
            requests += 1
            if response.status_code >= 500:
                errors.append(f"owner_a {form['method'].upper()} {path} with B ids → {response.status_code}")
            if leaks(body_of(response), "owner_a", org_b):
                leaked.append(f"owner_a {form['method'].upper()} {path} with B ids")
    changed = sorted(label for label in before if before[label] != after_outsiders.get(label))
    links = cross_links(org, org_b)
    line = (f"{len(names)} URLs × {len(ROLES)} roles × 2 tenants × 2 methods = {requests} requests "
            f"({forms_sent} forms with B ids): {len(mismatches) + len(errors)} mismatches, {len(leaked)} leaks")
    with capsys.disabled():
        print(f"\nT5 tenants: {line}")
    # then no 500, every status is the expected one, no page shows B's canary to someone outside B,
    # nothing of B changed by anyone outside B, and no row of A points at a row of B
    assert not errors, errors
    assert not mismatches, mismatches
    assert not leaked, leaked[:40]
    assert not changed, changed
    assert not links, links


def test_the_consultant_of_both_sees_b_only_under_bs_slug(org, personas):
    # given the consultant of A and B, and B's dashboard unit and assessment
    org_b = tenant_b()
    client = _clients(org, org_b, personas)["consultant_ab"]
    seed_canary(org_b)
    unit = org_b.test_units["Sales/North"].pk
    from assessments.models import Assessment

    assessment = Assessment.objects.filter(organisation=org_b).first().pk
    # when they open B's objects under B's slug, and under A's
    under_b = [client.get(reverse("dashboard_unit", kwargs={"slug": "beta", "unit_pk": unit})),
               client.get(reverse("assessment_detail", kwargs={"slug": "beta", "pk": assessment}))]
    under_a = [client.get(reverse("dashboard_unit", kwargs={"slug": "acme", "unit_pk": unit})),
               client.get(reverse("assessment_detail", kwargs={"slug": "acme", "pk": assessment}))]
    # then B's pages show B's data; the same ids under A's slug are not found
    assert [r.status_code for r in under_b] == [200, 200]
    assert all(CANARY in r.content.decode() for r in under_b)
    assert [r.status_code for r in under_a] == [404, 404]


def test_the_tenant_fingerprint_sees_a_change_and_a_cross_link(org):
    # given tenant B's fingerprint / when one of its people is renamed and an A person points at a B unit
    org_b = tenant_b()
    before = tenant_rows(org_b)
    from assessments.models import Person

    Person.objects.filter(organisation=org_b).update(first_name="changed")
    Person.objects.filter(organisation=org, external_id__isnull=False).update(unit=org_b.test_units["Operations"])
    PersonFactory(organisation=org, unit=org_b.test_units["Operations"])
    # then both checks notice it (so the main test can fail)
    assert tenant_rows(org_b)["assessments.Person"] != before["assessments.Person"]
    assert "assessments.Person.unit" in cross_links(org, org_b)
    assert instrument_of(open_wave(org_b)) is not None
