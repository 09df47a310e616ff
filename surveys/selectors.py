"""Reads for the instrument builder pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from surveys import instrument_format as fmt
from surveys.instrument_store import version_problems, version_to_format
from surveys.models import Instrument, InstrumentVersion, Item, Section


def bundled_ensure() -> None:
    """Trustier's shipped instruments exist (loaded once; later calls are one query)."""
    if not Instrument.objects.filter(organisation=None, key__in=fmt.BUNDLED_KEYS).count() == len(fmt.BUNDLED_KEYS):
        from surveys.services import instruments_load_bundled

        instruments_load_bundled()


@dataclass(frozen=True)
class InstrumentRow:
    instrument: Instrument
    latest: InstrumentVersion | None
    published: InstrumentVersion | None
    n_items: int


def instrument_rows(*, access) -> dict[str, list[InstrumentRow]]:
    """The organisation's instruments and Trustier's shipped ones, each with its latest version."""
    bundled_ensure()
    instruments = Instrument.objects.filter(Q(organisation=access.organisation) | Q(organisation=None))
    versions: dict[int, list[InstrumentVersion]] = {}
    for version in (InstrumentVersion.objects.filter(instrument__in=instruments).annotate(n_items=Count("items"))
                    .order_by("instrument_id", "-number")):
        versions.setdefault(version.instrument_id, []).append(version)
    rows: dict[str, list[InstrumentRow]] = {"own": [], "shipped": []}
    for instrument in instruments.order_by("key"):
        mine = versions.get(instrument.pk, [])
        latest = mine[0] if mine else None
        published = next((v for v in mine if v.is_frozen), None)
        row = InstrumentRow(instrument, latest, published, latest.n_items if latest else 0)
        rows["shipped" if instrument.organisation_id is None else "own"].append(row)
    return rows


def version_get_for_user(*, access, pk: int, editable: bool = False) -> InstrumentVersion:
    """A version of the organisation's instruments (or a shipped one, unless `editable`); 404 otherwise."""
    scope = Q(instrument__organisation=access.organisation)
    if not editable:
        scope |= Q(instrument__organisation=None)
    version = InstrumentVersion.objects.select_related("instrument", "based_on").filter(scope, pk=pk).first()
    if version is None:
        raise Http404
    return version


def section_get(*, version: InstrumentVersion, pk: int) -> Section:
    section = Section.objects.filter(version=version, pk=pk).select_related("version__instrument").first()
    if section is None:
        raise Http404
    return section


def item_get(*, version: InstrumentVersion, pk: int) -> Item:
    item = Item.objects.filter(version=version, pk=pk).select_related("section", "version__instrument").first()
    if item is None:
        raise Http404
    return item


def organisation_instruments(*, access):
    return Instrument.objects.filter(organisation=access.organisation).order_by("key")


def version_sections(version: InstrumentVersion) -> list[tuple[Section, list[Item]]]:
    items: dict[int, list[Item]] = {}
    for item in version.items.order_by("position", "id"):
        items.setdefault(item.section_id, []).append(item)
    return [(section, items.get(section.pk, [])) for section in version.sections.order_by("position", "id")]


def _texts(value) -> fmt.LocalizedText | None:
    return fmt.LocalizedText(value) if isinstance(value, dict) else None


def scale_from_data(data) -> fmt.Scale:
    """A format Scale from stored scale data, without checks (a draft may be incomplete)."""
    data = data or {}
    labels = tuple(fmt.ScaleLabel(int(label.get("value", 0)), _texts(label.get("text")) or fmt.LocalizedText())
                   for label in data.get("labels") or ())
    return fmt.Scale(min=int(data.get("min", 1)), max=int(data.get("max", 7)), labels=labels,
                     dont_know=_texts(data.get("dont_know")))


def item_as_format(item: Item) -> fmt.Item:
    return fmt.Item(key=item.key, role=item.role, referent=item.referent, text=_texts(item.text) or fmt.LocalizedText(),
                    dimension=item.dimension or None, intention=item.intention or None,
                    self_text=_texts(item.self_text), reverse_keyed=item.reverse_keyed, required=item.required,
                    pulse=item.pulse, scale=scale_from_data(item.scale) if item.scale else None)


@dataclass(frozen=True)
class PreviewQuestion:
    item: fmt.Item
    scale: fmt.Scale


def version_preview(version: InstrumentVersion) -> list[tuple[Section, list[PreviewQuestion]]]:
    """Sections and questions as the respondent sees them (works for an unfinished draft too)."""
    scale = scale_from_data(version.scale)
    return [(section, [PreviewQuestion(q, q.scale or scale) for q in map(item_as_format, items)])
            for section, items in version_sections(version)]


def _warning_text(code: str) -> str:
    return {
        "dimension_too_few_items": _("A dimension has only 1 or 2 scored items: it cannot be scored reliably. Use at least 3."),
        "dimension_missing": _("A dimension has no scored items while others do: no Trust Index can be computed."),
        "no_global_trust": _("There is no global trust item: no key-driver analysis and no pulse form."),
        "felt_trust_too_few_items": _("There are fewer than 3 felt-trust items."),
        "scale_partly_labelled": _("Not every point of the scale has words; a fully labelled scale is answered more consistently."),
        "double_barrelled": _("The wording may ask about two things at once; if so, split it into two items."),
        "negative_wording": _("The wording is negative; positive wording is misread less often."),
        "too_long": _("The wording is long; keep items short."),
        "reverse_keyed": _("A reverse-keyed item tends to form a separate method factor; prefer positive wording."),
        "required_comment": _("A required open question invites careless answers; make it optional."),
        "missing_self_text": _("An item about a person has no self-rating wording while others do."),
    }.get(code, code)


@dataclass(frozen=True)
class BuilderWarning:
    item_key: str | None
    language: str | None
    text: str
    detail: str
    subject: str = ""  # the dimension a dimension warning is about, in the user's language


def version_checks(version: InstrumentVersion) -> tuple[list[str], list[BuilderWarning]]:
    """(blocking problems, quality warnings); warnings only when there are no problems."""
    problems = version_problems(version)
    if problems:
        return problems, []
    found = fmt.warnings(version_to_format(version))
    return [], [BuilderWarning(w.item_key, w.language, _warning_text(w.code), w.message_en, _subject(w.message_en))
                for w in found]


def _subject(message: str) -> str:
    from surveys.forms import DIMENSION_LABELS

    match = re.match(r"Dimension '(\w+)'", message)
    return str(DIMENSION_LABELS.get(match.group(1), match.group(1))) if match else ""
