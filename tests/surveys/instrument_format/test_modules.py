"""Optional modules (felt trust) added to a core instrument."""

from __future__ import annotations

from dataclasses import replace

import pytest

from surveys.instrument_format import InstrumentFormatError, Scale, load_bundled, scored_items, warnings, with_modules


def test_felt_trust_module_adds_to_core_inside():
    # given the inside core instrument and the felt-trust module
    core = load_bundled("core-inside")
    felt = load_bundled("module-felt-trust")
    # when the module is added
    combined = with_modules(core, felt)
    # then the felt-trust section follows the core, keys stay unique and nothing is flagged
    assert [s.key for s in combined.sections] == ["organisation", "leadership", "overall", "own_words", "felt_trust"]
    assert len(combined.items) == 29
    assert combined.key == core.key
    assert warnings(combined) == []


def test_felt_trust_stays_apart_from_trust_given_in_scoring():
    # given core inside with the felt-trust module
    scored = scored_items(with_modules(load_bundled("core-inside"), load_bundled("module-felt-trust")))
    # when competence items are listed by role
    given = [k for k, s in scored.items() if s.dimension == "competence" and s.role == "dimension"]
    felt = [k for k, s in scored.items() if s.dimension == "competence" and s.role == "felt_trust"]
    # then the four given-trust items and the two felt-trust items are told apart by role
    assert len(given) == 4 and felt == ["ft_com_manager", "ft_com_organisation"]


def test_a_module_with_other_languages_is_refused():
    # given a module in Dutch only
    felt = load_bundled("module-felt-trust")
    dutch = replace(felt, languages=("nl",))
    # when added
    with pytest.raises(InstrumentFormatError) as error:
        with_modules(load_bundled("core-inside"), dutch)
    # then the mismatch is named
    assert error.value.problems == ["module 'module-felt-trust': languages ['nl'] differ from ['nl', 'en']"]


def test_clashing_keys_are_refused():
    # given the same module added twice
    felt = load_bundled("module-felt-trust")
    # when added
    with pytest.raises(InstrumentFormatError) as error:
        with_modules(load_bundled("core-inside"), felt, felt)
    # then the section key and all eight item keys clash
    assert len(error.value.problems) == 9
    assert error.value.problems[0] == "sections[5].key: duplicate section key 'felt_trust' (first used at sections[4])"


def test_a_module_on_another_scale_keeps_its_scale_per_item():
    # given a module whose scale is 1-5
    felt = replace(load_bundled("module-felt-trust"), scale=Scale(1, 5))
    # when added to the core (1-7)
    combined = with_modules(load_bundled("core-inside"), felt)
    # then its items carry the 1-5 scale as their own
    assert scored_items(combined)["ft_com_manager"][3:] == (1, 5)
    assert scored_items(combined)["com_expertise"][3:] == (1, 7)


def test_the_shipped_combination_is_core_inside_with_the_felt_trust_module():
    # given the shipped "core-inside-felt-trust" / when loaded
    shipped = load_bundled("core-inside-felt-trust")
    # then it is exactly the core plus the module, under its own key and name in both languages
    combined = with_modules(load_bundled("core-inside"), load_bundled("module-felt-trust"))
    assert shipped.sections == combined.sections and shipped.scale == combined.scale
    assert shipped.key == "core-inside-felt-trust" and set(shipped.name) == {"nl", "en"}
    assert warnings(shipped) == []


@pytest.mark.django_db
def test_the_shipped_combination_is_published_for_assessments():
    # given Trustier's shipped instruments loaded into the database
    from surveys.services import instruments_load_bundled

    versions = {v.instrument.key: v for v in instruments_load_bundled()}
    # then the combination is a published version with the 8 felt-trust items, loaded once
    version = versions["core-inside-felt-trust"]
    assert version.status == "published" and version.items.filter(role="felt_trust").count() == 8
    assert instruments_load_bundled()[list(versions).index("core-inside-felt-trust")].pk == version.pk
