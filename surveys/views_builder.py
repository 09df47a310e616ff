"""The instrument builder: list, copy, edit drafts, preview, publish, import/export, pulse.

Owners and consultants only. Every write is a service in surveys/services.py; a frozen version or an
invalid instrument becomes a message, never a server error.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import access_for_user
from surveys import instrument_format as fmt
from surveys import selectors, services
from surveys.forms import ImportForm, ItemForm, NewInstrumentForm, SectionForm, VersionForm
from surveys.instrument_store import version_to_format
from surveys.models import FrozenVersionError


def builder(view):
    """login + owner/consultant; FrozenVersionError and format errors become messages."""

    @login_required
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        access = access_for_user(user=request.user, slug=slug)
        access.require(access.can_manage_people)
        try:
            return view(request, access, *args, **kwargs)
        except FrozenVersionError:
            messages.error(request, _("This version is published and frozen; nothing was changed. Create a new version to change it."))
        except services.BuilderError as exc:
            messages.error(request, str(exc))
        except fmt.InstrumentFormatError as exc:
            messages.error(request, _("The instrument is not complete: %(problems)s") % {"problems": "; ".join(exc.problems[:5])})
        version_id = kwargs.get("version_id")
        if version_id:
            return redirect("instrument_version", slug=slug, version_id=version_id)
        return redirect("instrument_list", slug=slug)

    return wrapped


def _to_version(access, version):
    return redirect("instrument_version", slug=access.organisation.slug, version_id=version.pk)


@builder
def instrument_list(request, access):
    return render(request, "surveys/builder/list.html", {
        "access": access, "rows": selectors.instrument_rows(access=access), "new_form": NewInstrumentForm()})


@builder
@require_POST
def instrument_new(request, access):
    form = NewInstrumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new instrument a name."))
        return redirect("instrument_list", slug=access.organisation.slug)
    name = form.cleaned_data["name"]
    version = services.instrument_create(actor=request.user, organisation=access.organisation,
                                         name={"nl": name, "en": name}, languages=["nl", "en"])
    return _to_version(access, version)


@builder
@require_POST
def instrument_copy(request, access, version_id):
    source = selectors.version_get_for_user(access=access, pk=version_id)
    version = services.instrument_copy(actor=request.user, organisation=access.organisation, version=source)
    messages.success(request, _("Copied. You are editing draft version 1 of %(key)s.") % {"key": version.instrument.key})
    return _to_version(access, version)


@builder
@require_POST
def instrument_pulse(request, access, version_id):
    source = selectors.version_get_for_user(access=access, pk=version_id)
    version = services.instrument_pulse(actor=request.user, organisation=access.organisation, version=source)
    messages.success(request, _("Pulse form created as a draft."))
    return _to_version(access, version)


@builder
def instrument_version(request, access, version_id):
    version = selectors.version_get_for_user(access=access, pk=version_id)
    editable = not version.is_frozen and version.instrument.organisation_id == access.organisation.pk
    form = VersionForm(request.POST or None, version=version)
    if request.method == "POST":
        version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
        if form.is_valid():
            services.version_update(actor=request.user, version=version, name=form.name(),
                                    languages=form.cleaned_data["languages"])
            messages.success(request, _("Saved."))
            return _to_version(access, version)
    problems, warnings = selectors.version_checks(version)
    sections = [(SectionForm(section=section), items) for section, items in selectors.version_sections(version)]
    return render(request, "surveys/builder/version.html", {
        "access": access, "version": version, "editable": editable, "form": form, "sections": sections,
        "problems": problems, "warnings": warnings, "versions": version.instrument.versions.order_by("-number"),
        "own": version.instrument.organisation_id == access.organisation.pk})


@builder
@require_POST
def instrument_version_new(request, access, version_id):
    source = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    version = services.version_new(actor=request.user, version=source)
    messages.success(request, _("Draft version %(n)s created.") % {"n": version.number})
    return _to_version(access, version)


@builder
@require_POST
def instrument_publish(request, access, version_id):
    version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    services.version_publish_checked(actor=request.user, version=version)
    messages.success(request, _("Version %(n)s is published and can now be used in assessments.") % {"n": version.number})
    return _to_version(access, version)


@builder
@require_POST
def instrument_section_add(request, access, version_id):
    version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    services.section_add(actor=request.user, version=version)
    return _to_version(access, version)


@builder
@require_POST
def instrument_section(request, access, version_id, section_id):
    version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    section = selectors.section_get(version=version, pk=section_id)
    action = request.POST.get("action", "")
    if action in ("up", "down"):
        services.section_move(actor=request.user, section=section, direction=action)
    elif action == "delete":
        services.section_remove(actor=request.user, section=section)
        messages.success(request, _("Section removed."))
    else:
        form = SectionForm(request.POST, section=section)
        if form.is_valid():
            services.section_update(actor=request.user, section=section, key=form.cleaned_data["key"], title=form.title())
            messages.success(request, _("Section saved."))
        else:
            messages.error(request, _("The section was not saved: %(errors)s") % {
                "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
    return _to_version(access, version)


@builder
def instrument_item_add(request, access, version_id, section_id):
    version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    section = selectors.section_get(version=version, pk=section_id)
    return _item_form(request, access, version, section, None)


@builder
def instrument_item(request, access, version_id, item_id):
    version = selectors.version_get_for_user(access=access, pk=version_id)
    item = selectors.item_get(version=version, pk=item_id)
    return _item_form(request, access, version, item.section, item)


def _item_form(request, access, version, section, item):
    form = ItemForm(request.POST or None, version=version, item=item)
    if request.method == "POST" and form.is_valid():
        selectors.version_get_for_user(access=access, pk=version.pk, editable=True)
        services.item_save(actor=request.user, version=version, section=section, item=item, **form.fields_for_service())
        messages.success(request, _("Item %(key)s saved.") % {"key": form.cleaned_data["key"]})
        return _to_version(access, version)
    return render(request, "surveys/builder/item_form.html", {
        "access": access, "version": version, "section": section, "item": item, "form": form,
        "editable": not version.is_frozen and version.instrument.organisation_id == access.organisation.pk})


@builder
@require_POST
def instrument_item_action(request, access, version_id, item_id):
    version = selectors.version_get_for_user(access=access, pk=version_id, editable=True)
    item = selectors.item_get(version=version, pk=item_id)
    action = request.POST.get("action", "")
    if action in ("up", "down"):
        services.item_move(actor=request.user, item=item, direction=action)
    elif action == "delete":
        services.item_remove(actor=request.user, item=item)
        messages.success(request, _("Item %(key)s removed.") % {"key": item.key})
    return _to_version(access, version)


@builder
def instrument_preview(request, access, version_id):
    version = selectors.version_get_for_user(access=access, pk=version_id)
    language = request.GET.get("language")
    if language not in version.languages:
        current = get_language() or ""
        language = current if current in version.languages else (version.languages[0] if version.languages else "nl")
    return render(request, "surveys/builder/preview.html", {
        "access": access, "version": version, "language": language, "phone": request.GET.get("phone") == "1",
        "sections": selectors.version_preview(version), "scale": selectors.scale_from_data(version.scale)})


@builder
def instrument_export(request, access, version_id):
    version = selectors.version_get_for_user(access=access, pk=version_id)
    kind = "json" if request.GET.get("format") == "json" else "yaml"
    text = fmt.dump(version_to_format(version), fmt=kind)
    response = HttpResponse(text, content_type="application/json" if kind == "json" else "application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.instrument.key}-v{version.number}.{kind}"'
    return response


@builder
def instrument_import(request, access):
    form = ImportForm(request.POST or None, request.FILES or None, instruments=selectors.organisation_instruments(access=access))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(fmt.MAX_FILE_BYTES + 1)
        kind = "json" if upload.name.lower().endswith(".json") else "yaml"
        try:
            source = fmt.load(raw, fmt=kind)
            with transaction.atomic():
                version = services.instrument_import(actor=request.user, organisation=access.organisation, source=source,
                                                     into=form.cleaned_data["into"])
        except fmt.InstrumentFormatError as exc:
            problems = list(exc.problems)
        except IntegrityError:
            problems = [_("Another version of this instrument was created at the same time; nothing was imported. Try again.")]
        except FrozenVersionError:
            problems = [_("This version is published and frozen; nothing was changed. Create a new version to change it.")]
        else:
            messages.success(request, _("Imported as draft version %(n)s of %(key)s.") % {
                "n": version.number, "key": version.instrument.key})
            return _to_version(access, version)
    return render(request, "surveys/builder/import.html", {"access": access, "form": form, "problems": problems})
