"""Writes for instruments. Every change leaves an audit event (bundled instruments have no organisation)."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys import instrument_format as fmt
from surveys.instrument_store import fingerprint, version_rows_create, version_to_format
from surveys.models import FrozenVersionError, Instrument, InstrumentVersion, Item, Section
from trustier.audit import audit_record


@transaction.atomic
def instruments_load_bundled() -> list[InstrumentVersion]:
    """Load Trustier's shipped instruments as published versions; idempotent.

    A shipped file that changed since it was loaded becomes a new published version (old ones stay
    frozen for the waves that used them).
    """
    loaded = []
    for key in fmt.BUNDLED_KEYS:
        source = fmt.load_bundled(key)
        instrument, _created = Instrument.objects.get_or_create(organisation=None, key=key, defaults={"name": dict(source.name)})
        latest = instrument.versions.order_by("-number").first()
        if latest is not None and version_to_format(latest) == _numbered(source, latest.number):
            loaded.append(latest)
            continue
        number = (latest.number + 1) if latest else 1
        version = version_rows_create(instrument=instrument, source=_numbered(source, number), number=number)
        loaded.append(version_publish(version=version, actor=None))
    return loaded


def _numbered(source: fmt.Instrument, number: int) -> fmt.Instrument:
    return replace(source, version=number)


def version_publish(*, version: InstrumentVersion, actor) -> InstrumentVersion:
    """Freeze a draft version. Raises InstrumentFormatError listing what blocks publishing."""
    checked = version_to_format(version)
    version.fingerprint = fingerprint(checked)
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save()  # allowed: the stored row is still a draft
    audit_record(actor=actor, organisation=version.instrument.organisation, verb="instrument.publish", obj=version,
                 after={"number": version.number, "fingerprint": version.fingerprint})
    return version


def next_version_number(instrument: Instrument) -> int:
    return (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1


# --- the builder: every write below audits; frozen versions raise FrozenVersionError ---------------

class BuilderError(Exception):
    """A builder action that cannot be done (message for the user)."""


def _audit(actor, version: InstrumentVersion, verb: str, **after) -> None:
    audit_record(actor=actor, organisation=version.instrument.organisation, verb=verb, obj=version, after=after)


def _draft(version: InstrumentVersion) -> InstrumentVersion:
    fresh = InstrumentVersion.objects.select_related("instrument").get(pk=version.pk)
    if fresh.is_frozen:
        raise FrozenVersionError(f"{fresh} is published and frozen; create a new version to change it")
    return fresh


def _free_key(organisation, key: str) -> str:
    key = key[:56]
    taken = set(Instrument.objects.filter(organisation=organisation, key__startswith=key).values_list("key", flat=True))
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


@transaction.atomic
def instrument_copy(*, actor, organisation, version: InstrumentVersion) -> InstrumentVersion:
    """A new organisation instrument whose draft v1 is a copy of a published `version`."""
    if not version.is_frozen:
        raise BuilderError(_("Only a published version can be copied."))
    source = version_to_format(version)
    instrument = Instrument.objects.create(organisation=organisation, key=_free_key(organisation, source.key),
                                           name=dict(source.name), copied_from=version)
    draft = version_rows_create(instrument=instrument, source=replace(source, key=instrument.key, version=1), number=1,
                                created_by=actor, based_on=version)
    _audit(actor, draft, "instrument.copy", copied_from=str(version))
    return draft


@transaction.atomic
def instrument_create(*, actor, organisation, name: dict[str, str], languages: list[str]) -> InstrumentVersion:
    """A new instrument from scratch: draft v1, one empty section, Trustier's 7-point scale."""
    from surveys.instrument_format.default_scale import default_scale
    from surveys.instrument_format.writing import instrument_to_data

    languages = [lang for lang in ("nl", "en") if lang in languages] or ["nl", "en"]
    scale = instrument_to_data(replace(fmt.load_bundled("core-inside"), languages=tuple(languages),
                                       scale=default_scale(tuple(languages))))["scale"]
    instrument = Instrument.objects.create(organisation=organisation, key=_free_key(organisation, "instrument"), name=name)
    version = InstrumentVersion.objects.create(instrument=instrument, number=1, name=name, languages=languages, scale=scale,
                                               created_by=actor)
    Section.objects.create(version=version, position=0, key="section-1", title={lang: "" for lang in languages})
    _audit(actor, version, "instrument.create")
    return version


@transaction.atomic
def version_new(*, actor, version: InstrumentVersion) -> InstrumentVersion:
    """A draft copy of a published version of an organisation's instrument, numbered after the latest."""
    if not version.is_frozen:
        raise BuilderError(_("Only a published version can be the base of a new version."))
    instrument = version.instrument
    number = next_version_number(instrument)
    draft = version_rows_create(instrument=instrument, source=replace(version_to_format(version), version=number),
                                number=number, created_by=actor, based_on=version)
    _audit(actor, draft, "instrument.version_new", based_on=str(version))
    return draft


@transaction.atomic
def version_update(*, actor, version: InstrumentVersion, name: dict[str, str], languages: list[str]) -> InstrumentVersion:
    version = _draft(version)
    before = {"name": version.name, "languages": version.languages}
    version.name, version.languages = name, languages
    version.scale = _scale_with_languages(_trimmed(version.scale, languages), languages)
    version.description = _trimmed(version.description, languages)
    version.save()
    _trim_rows(version, languages)
    Instrument.objects.filter(pk=version.instrument_id).update(name=name)
    audit_record(actor=actor, organisation=version.instrument.organisation, verb="instrument.update", obj=version,
                 before=before, after={"name": name, "languages": languages})
    return version


def _trimmed(value, languages: list[str]):
    """`value` without the texts of languages the version no longer has ({lang: text} maps, nested)."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()) and \
                set(value) & {"nl", "en"}:
            return {lang: text for lang, text in value.items() if lang in languages}
        return {k: _trimmed(v, languages) for k, v in value.items()}
    if isinstance(value, list):
        return [_trimmed(v, languages) for v in value]
    return value


def _trim_rows(version: InstrumentVersion, languages: list[str]) -> None:
    for section in version.sections.all():
        title, intro = _trimmed(section.title, languages), _trimmed(section.intro, languages)
        if (title, intro) != (section.title, section.intro):
            section.title, section.intro = title, intro
            section.save(update_fields=["title", "intro"])
    for item in version.items.all():
        fields = {"text": _trimmed(item.text, languages), "self_text": _trimmed(item.self_text, languages),
                  "scale": _trimmed(item.scale, languages)}
        if any(getattr(item, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(item, k, v)
            item.save(update_fields=list(fields))


def _scale_with_languages(scale: dict, languages: list[str]) -> dict:
    """Add a new language's words to a scale that is Trustier's default scale (else leave it for the user)."""
    default = fmt.DEFAULT_SCALE
    labels = scale.get("labels") or []
    is_default = scale.get("min") == default.min and scale.get("max") == default.max and len(labels) == len(default.labels) and all(
        all(default.labels[i].text.get(lang) == text for lang, text in label.get("text", {}).items())
        for i, label in enumerate(labels))
    if not is_default:
        return scale
    filled = dict(scale)
    filled["labels"] = [{**label, "text": {**label["text"], **{lang: default.labels[i].text[lang] for lang in languages
                                                               if lang in default.labels[i].text}}}
                        for i, label in enumerate(labels)]
    if default.dont_know is not None:
        filled["dont_know"] = {**(scale.get("dont_know") or {}),
                               **{lang: default.dont_know[lang] for lang in languages if lang in default.dont_know}}
    return filled


@transaction.atomic
def version_publish_checked(*, actor, version: InstrumentVersion) -> InstrumentVersion:
    """Publish a draft from the builder (FrozenVersionError if it was published already)."""
    return version_publish(version=_draft(version), actor=actor)


def _renumber(rows) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _move(rows: list, row, direction: str) -> None:
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)


@transaction.atomic
def section_add(*, actor, version: InstrumentVersion) -> Section:
    version = _draft(version)
    keys = set(version.sections.values_list("key", flat=True))
    n = version.sections.count() + 1
    while f"section-{n}" in keys:
        n += 1
    section = Section.objects.create(version=version, position=n, key=f"section-{n}",
                                     title={lang: "" for lang in version.languages})
    _renumber(list(version.sections.order_by("position", "id")))
    _audit(actor, version, "instrument.section_add", section=section.key)
    return section


@transaction.atomic
def section_update(*, actor, section: Section, key: str, title: dict[str, str]) -> Section:
    _draft(section.version)
    before = {"key": section.key, "title": section.title}
    section.key, section.title = key, title
    section.save()
    audit_record(actor=actor, organisation=section.version.instrument.organisation, verb="instrument.section_update",
                 obj=section.version, before=before, after={"key": key, "title": title})
    return section


@transaction.atomic
def section_move(*, actor, section: Section, direction: str) -> None:
    version = _draft(section.version)
    _move(list(version.sections.order_by("position", "id")), section, direction)
    _audit(actor, version, "instrument.section_move", section=section.key, direction=direction)


@transaction.atomic
def section_remove(*, actor, section: Section) -> None:
    version = _draft(section.version)
    key = section.key
    section.items.all().delete()
    section.delete()
    _renumber(list(version.sections.order_by("position", "id")))
    _audit(actor, version, "instrument.section_remove", section=key)


ITEM_FIELDS = ("key", "role", "dimension", "intention", "referent", "text", "reverse_keyed", "required", "pulse")


@transaction.atomic
def item_save(*, actor, version: InstrumentVersion, section: Section, item: Item | None = None, **fields) -> Item:
    """Create (item=None) or change an item of a draft version; fields: see ITEM_FIELDS."""
    version = _draft(version)
    before = {f: getattr(item, f) for f in ITEM_FIELDS} if item else {}
    if item is None:
        item = Item(version=version, section=section, position=section.items.count())
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.save()
    audit_record(actor=actor, organisation=version.instrument.organisation,
                 verb="instrument.item_update" if before else "instrument.item_add", obj=version,
                 before=before, after={f: getattr(item, f) for f in ITEM_FIELDS})
    return item


@transaction.atomic
def item_move(*, actor, item: Item, direction: str) -> None:
    """Up/down within its section; past the first/last item it moves to the previous/next section."""
    version = _draft(item.version)
    items = list(item.section.items.order_by("position", "id"))
    index = next(i for i, r in enumerate(items) if r.pk == item.pk)
    sections = list(version.sections.order_by("position", "id"))
    s_index = next(i for i, s in enumerate(sections) if s.pk == item.section_id)
    if direction == "up" and index == 0 and s_index > 0:
        target = sections[s_index - 1]
        item.section, item.position = target, target.items.count()
        item.save()
        _renumber(list(sections[s_index].items.order_by("position", "id")))
    elif direction == "down" and index == len(items) - 1 and s_index < len(sections) - 1:
        target = sections[s_index + 1]
        for row in target.items.all():
            row.position += 1
            row.save(update_fields=["position"])
        item.section, item.position = target, 0
        item.save()
    else:
        _move(items, item, direction)
    _audit(actor, version, "instrument.item_move", item=item.key, direction=direction)


@transaction.atomic
def item_remove(*, actor, item: Item) -> None:
    version = _draft(item.version)
    section, key = item.section, item.key
    item.delete()
    _renumber(list(section.items.order_by("position", "id")))
    _audit(actor, version, "instrument.item_remove", item=key)


@transaction.atomic
def instrument_import(*, actor, organisation, source: fmt.Instrument, into: Instrument | None = None) -> InstrumentVersion:
    """A checked file as a new draft: of a new instrument, or the next version of `into` (same organisation)."""
    if into is None:
        into = Instrument.objects.create(organisation=organisation, key=_free_key(organisation, source.key),
                                         name=dict(source.name))
    elif into.organisation_id != organisation.pk:
        raise BuilderError(_("This instrument belongs to another organisation."))
    number = next_version_number(into)
    version = version_rows_create(instrument=into, source=replace(source, key=into.key, version=number), number=number,
                                  created_by=actor)
    _audit(actor, version, "instrument.import", key=source.key)
    return version


@transaction.atomic
def instrument_pulse(*, actor, organisation, version: InstrumentVersion) -> InstrumentVersion:
    """A new organisation instrument (draft v1) with the pulse form of a published version."""
    if not version.is_frozen:
        raise BuilderError(_("Only a published version has a pulse form."))
    short = fmt.pulse(version_to_format(version))
    instrument = Instrument.objects.create(organisation=organisation, key=_free_key(organisation, short.key),
                                           name=dict(short.name), copied_from=version)
    draft = version_rows_create(instrument=instrument, source=replace(short, key=instrument.key, version=1), number=1,
                                created_by=actor, based_on=version)
    _audit(actor, draft, "instrument.pulse", source=str(version))
    return draft
