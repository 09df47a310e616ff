"""Quality warnings: the builder's hints about weak wording and thin dimensions."""

from __future__ import annotations

import pytest

from surveys.instrument_format import WARNING_CODES, QualityWarning, Scale, ScaleLabel, warnings

from .builders import balanced, instrument, item, texts


def _codes(found: list[QualityWarning]) -> list[tuple[str | None, str, str | None]]:
    return [(w.item_key, w.code, w.language) for w in found]


def test_a_balanced_instrument_has_no_warnings():
    # given three plain items per dimension and a global trust item
    # when it is checked
    # then nothing is flagged
    assert warnings(balanced(3)) == []


def test_a_dimension_with_two_items_cannot_be_scored_reliably():
    # given four items per dimension except integrity, which has two
    base = balanced(4)
    trimmed = [i for i in base.items if i.key not in ("int_2", "int_3")]
    # when it is checked
    found = warnings(instrument(*trimmed))
    # then integrity is flagged with its count
    assert found == [
        QualityWarning(
            None,
            "dimension_too_few_items",
            "Dimension 'integrity' has only 2 scored item(s); with fewer than 3 it cannot be scored reliably.",
        )
    ]


def test_custom_scored_items_count_towards_their_dimension():
    # given empathy with two core items and one custom item scored into empathy
    base = balanced(3)
    trimmed = [i for i in base.items if i.key != "emp_2"]
    custom = item("custom_emp", "They listen to me.", "Ze luisteren naar mij.", role="custom_scored", dimension="empathy")
    # when it is checked
    # then empathy has enough items
    assert warnings(instrument(*trimmed, custom)) == []


def test_a_missing_dimension_and_a_missing_global_item_are_flagged():
    # given competence items only
    only = [item(f"com_{n}") for n in range(3)]
    # when it is checked
    found = _codes(warnings(instrument(*only)))
    # then the three other dimensions and the global trust item are missing
    assert found == [
        (None, "dimension_missing", None),
        (None, "dimension_missing", None),
        (None, "dimension_missing", None),
        (None, "no_global_trust", None),
    ]


def test_felt_trust_is_counted_apart_from_trust_given():
    # given a felt-trust-only module with two items
    felt = [item(f"ft_{n}", role="felt_trust", referent="manager") for n in range(2)]
    # when it is checked
    found = _codes(warnings(instrument(*felt)))
    # then only the felt-trust count is flagged; no trust-given dimension is "missing"
    assert found == [(None, "felt_trust_too_few_items", None)]


@pytest.mark.parametrize(
    ("en", "nl", "flagged"),
    [
        ("They keep their promises and tell the truth.", "Ze komen afspraken na.", ["en"]),
        ("They keep their promises.", "Ze komen afspraken na en vertellen de waarheid.", ["nl"]),
        ("They are honest or fair.", "Ze zijn eerlijk of rechtvaardig.", ["nl", "en"]),
        ("They are competent as well as reliable.", "Ze zijn zowel bekwaam als betrouwbaar.", ["nl", "en"]),
        ("They keep us informed and/or involved.", "Ze houden ons op de hoogte.", ["en"]),
    ],
)
def test_double_barrelled_wording_is_flagged_per_language(en, nl, flagged):
    # given an item that joins two things with a coordinating word
    found = warnings(balanced(3, item("x", en, nl)))
    # when it is checked
    # then the language(s) with the joining word are flagged, in the instrument's language order
    assert [w.language for w in found if w.code == "double_barrelled"] == flagged


@pytest.mark.parametrize(
    ("en", "nl"),
    [
        ("The quality of the work is high.", "De kwaliteit van het werk is hoog."),  # English "of" is a preposition
        ("Now and then they surprise me.", "Af en toe verrassen ze mij."),  # fixed expressions
        ("Sooner or later they fix problems.", "Vroeg of laat lossen ze problemen op."),
        ("I know whether I can count on them.", "Ik weet altijd of ik op ze kan rekenen."),  # Dutch "of" = whether
    ],
)
def test_known_non_joining_uses_are_not_flagged(en, nl):
    # given wording whose "and"/"or"/"en"/"of" does not join two claims
    found = warnings(balanced(3, item("x", en, nl)))
    # when it is checked
    # then it is not flagged as double-barrelled
    assert [w for w in found if w.code == "double_barrelled"] == []


def test_english_words_are_not_checked_with_the_dutch_list():
    # given English text with "of" (a Dutch joiner) and Dutch text with "and" (an English one)
    found = warnings(balanced(3, item("x", "Most of the staff help.", "Het team is top and klaar.")))
    # when it is checked
    # then neither is flagged: each language uses its own list ("and" is not Dutch)
    assert [w for w in found if w.code == "double_barrelled"] == []


@pytest.mark.parametrize(
    ("en", "nl", "flagged"),
    [
        ("They never break a promise.", "Ze houden zich aan afspraken.", ["en"]),
        ("They don't hide bad news.", "Ze vertellen slecht nieuws.", ["en"]),
        ("They tell bad news.", "Ze verzwijgen niets.", ["nl"]),
        ("They are fair.", "Ze maken nooit misbruik van hun positie.", ["nl"]),
        ("They are fair.", "Er is geen willekeur.", ["nl"]),
        ("They cannot be fooled.", "Ze zijn niet te misleiden.", ["nl", "en"]),
    ],
)
def test_negative_wording_is_flagged_per_language(en, nl, flagged):
    # given an item with a negative word
    found = warnings(balanced(3, item("x", en, nl)))
    # when it is checked
    # then each language with a negative word is flagged
    assert [w.language for w in found if w.code == "negative_wording"] == flagged


def test_open_questions_may_be_negative():
    # given an open question with "not"
    question = item("open", "What should we not change?", "Wat moeten we niet veranderen?", role="comment", required=False)
    # when it is checked
    # then no negative-wording warning: the rule is about rated items
    assert warnings(balanced(3, question)) == []


def test_an_item_over_20_words_is_flagged_and_a_placeholder_is_one_word():
    # given a 21-word English item and a 20-word Dutch one with a placeholder
    en = "When things get difficult at work the people who lead {organisation} stay calm, explain what is happening, listen well, act fairly."
    nl = "Als het moeilijk wordt op het werk, blijven de mensen die {organisation} leiden rustig, leggen uit wat gebeurt, zijn eerlijk."
    # when it is checked
    found = [w for w in warnings(balanced(3, item("x", en, nl))) if w.code == "too_long"]
    # then only English is flagged, with its count
    assert [(w.language, w.message_en) for w in found] == [("en", "The wording (en) has 21 words; keep items to 20 or fewer.")]


def test_reverse_keyed_required_comment_and_missing_self_text_are_flagged():
    # given a reverse-keyed item, a required open question, and two person items of which one has self wording
    extra = (
        item("rev", reverse_keyed=True),
        item("open", "What would help?", "Wat zou helpen?", role="comment"),
        item("p1", "{name} is fair.", "{name} is eerlijk.", role="custom_unscored", referent="person",
             self_text=texts("Ik ben eerlijk.", "I am fair.")),
        item("p2", "{name} helps.", "{name} helpt.", role="custom_unscored", referent="person"),
    )  # fmt: skip
    # when it is checked
    found = _codes(warnings(balanced(3, *extra)))
    # then each is flagged once, in item order
    assert found == [("rev", "reverse_keyed", None), ("open", "required_comment", None), ("p2", "missing_self_text", None)]


def test_self_wording_is_checked_too():
    # given a person item whose self wording is negative
    person = item("p1", "{name} is fair.", "{name} is eerlijk.", role="custom_unscored", referent="person",
                  self_text=texts("Ik ben nooit oneerlijk.", "I am fair."))  # fmt: skip
    # when it is checked
    found = [w for w in warnings(balanced(3, person)) if w.item_key == "p1"]
    # then the message says it is the self-rating wording
    assert [(w.code, w.language, w.message_en) for w in found] == [
        (
            "negative_wording",
            "nl",
            "The self-rating wording (nl) is negatively worded ('nooit'); positive wording avoids a method factor and misreading.",
        )
    ]


def test_a_partly_labelled_scale_is_flagged():
    # given an item on a 0-10 scale with words at the ends only
    ends = Scale(0, 10, (ScaleLabel(0, texts("Nooit", "Never")), ScaleLabel(10, texts("Altijd", "Always"))))
    # when it is checked
    found = warnings(balanced(3, item("nps", role="custom_unscored", scale=ends)))
    # then the item's scale is flagged
    assert _codes(found) == [("nps", "scale_partly_labelled", None)]


def test_every_code_used_is_documented():
    # given the codes produced across the examples above
    # when compared with the published list
    # then the list holds exactly the codes warnings() can produce
    assert set(WARNING_CODES) == {
        "dimension_too_few_items", "dimension_missing", "no_global_trust", "felt_trust_too_few_items",
        "scale_partly_labelled", "double_barrelled", "negative_wording", "too_long", "reverse_keyed",
        "required_comment", "missing_self_text",
    }  # fmt: skip
