from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors
from assessments.access import access_for_user
from assessments.forms import AuditFilterForm, MemberForm, PeopleImportForm
from assessments.people_import import MAX_BYTES, ImportFileError, people_import_apply, people_import_plan, people_import_read
from assessments.services import DomainError, member_invite
from trustier.forms import search_text

IMPORT_DIR = settings.DATA_DIR / "imports"


@login_required
def home(request):
    memberships = list(request.user.memberships.select_related("organisation"))
    if any(m.role == "consultant" for m in memberships):
        return redirect("workspace")
    if len(memberships) == 1:
        return redirect("organisation", slug=memberships[0].organisation.slug)
    return render(request, "assessments/home.html", {"memberships": memberships})


@login_required
def organisation(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    return render(request, "assessments/organisation.html", {"access": access, "overview": selectors.organisation_overview(access=access)})


@login_required
def units(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    return render(request, "assessments/units.html", {"access": access, "units": selectors.units_with_counts(access=access)})


@login_required
def people(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.role != "viewer")
    query = search_text(request.GET.get("q"))
    page = selectors.people_page(access=access, page=request.GET.get("page", 1), query=query)
    return render(request, "assessments/people.html", {"access": access, "page": page, "q": query})


@login_required
def people_import(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.can_manage_people)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # never read more than the limit into memory: a larger file is refused by its size alone
            rows = people_import_read(name=upload.name, data=upload.read(MAX_BYTES + 1))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            options = {k: form.cleaned_data[k] for k in ("create_units", "deactivate_missing")}
            plan = people_import_plan(organisation=access.organisation, rows=rows, **options)
            token = _stash(rows, options) if plan.ok else ""
            return render(request, "assessments/people_import_preview.html", {"access": access, "plan": plan, "token": token})
    return render(request, "assessments/people_import.html", {"access": access, "form": form})


@login_required
@require_POST
def people_import_confirm(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.can_manage_people)
    stash = _unstash(request.POST.get("token", ""))
    if stash is None:
        messages.error(request, _("This preview has expired or was applied already. Upload the file again."))
        return redirect("people_import", slug=slug)
    plan = people_import_apply(actor=request.user, organisation=access.organisation, rows=stash["rows"], **stash["options"])
    if not plan.ok:
        messages.error(request, _("The organisation changed since the preview; nothing was imported. Upload the file again."))
        return redirect("people_import", slug=slug)
    messages.success(request, _("Import done: %(c)s created, %(u)s updated, %(d)s deactivated.") % {"c": len(plan.create), "u": len(plan.update), "d": len(plan.deactivate)})
    return redirect("people", slug=slug)


def _stash(rows: list[dict], options: dict) -> str:
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (IMPORT_DIR / f"{token}.json").write_text(json.dumps({"rows": rows, "options": options}))
    return token


def _unstash(token: str) -> dict | None:
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        return None
    path = IMPORT_DIR / f"{token}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    path.unlink(missing_ok=True)  # one preview, one apply
    return data


@login_required
def audit_log(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.is_owner)
    form = AuditFilterForm(request.GET or None)
    verb = form.cleaned_data["verb"] if form.is_valid() else ""
    page = selectors.audit_page(access=access, page=request.GET.get("page", 1), verb=verb)
    return render(request, "assessments/audit_log.html", {"access": access, "page": page, "form": form})


@login_required
def members(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.is_owner)
    form = MemberForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            member_invite(actor=request.user, organisation=access.organisation, base_url=request.build_absolute_uri("/")[:-1], **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(email)s now has the role %(role)s.") % {"email": form.cleaned_data["email"], "role": form.cleaned_data["role"]})
            return redirect("members", slug=slug)
    memberships = access.organisation.memberships.select_related("user", "unit").order_by("user__email")
    return render(request, "assessments/members.html", {"access": access, "form": form, "memberships": memberships})
