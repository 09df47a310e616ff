"""The instrument builder through its views: copy, edit, warnings, publish, freezing, import/export, pulse."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys import instrument_format as fmt
from surveys.instrument_store import version_to_format
from surveys.models import FrozenVersionError, Instrument, InstrumentVersion, Item, Section
from tests.factories import core_version
from trustier.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(client, personas):
    client.force_login(personas["consultant"])
    return client


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def copy_core(client, key="core-inside") -> InstrumentVersion:
    response = client.post(url("instrument_copy", version_id=core_version(key).pk))
    assert response.status_code == 302
    return InstrumentVersion.objects.filter(instrument__organisation__slug="acme").latest("pk")


def test_list_shows_shipped_instruments_even_before_they_were_loaded(consultant):
    # given no instrument in the database
    assert not Instrument.objects.exists()
    # when the list is opened
    response = consultant.get(url("instrument_list"))
    # then the shipped ones were loaded and are listed with a Copy action
    content = response.content.decode()
    assert response.status_code == 200
    for key in fmt.CORE_KEYS:
        assert key in content
    assert "Copy" in content


def test_copy_makes_a_draft_v1_of_an_organisation_instrument(consultant, org):
    # when the consultant copies core-inside
    version = copy_core(consultant)
    # then acme owns a draft v1 with the same rows, recording where it came from
    assert version.instrument.organisation == org and version.number == 1 and not version.is_frozen
    assert version.instrument.copied_from == core_version("core-inside")
    assert version.items.count() == 21
    assert AuditEvent.objects.filter(verb="instrument.copy", organisation=org).exists()
    # and the list shows it as a draft
    assert "core-inside" in consultant.get(url("instrument_list")).content.decode()


def test_new_from_scratch_has_one_empty_section_and_the_default_scale(consultant):
    consultant.post(url("instrument_new"), {"name": "Klantvertrouwen"})
    version = InstrumentVersion.objects.get(instrument__organisation__slug="acme")
    assert version.sections.count() == 1 and version.items.count() == 0
    assert version.scale["min"] == 1 and version.scale["max"] == 7 and len(version.scale["labels"]) == 7
    # and the edit page lists why it cannot be published yet
    response = consultant.get(url("instrument_version", version_id=version.pk))
    assert response.context["problems"]


def add_item(client, version, **fields):
    section = version.sections.order_by("position").first()
    data = {"key": "own_item", "role": "custom_scored", "dimension": "competence", "referent": "organisation",
            "required": "on", "text_nl": "{organisation} levert op tijd.", "text_en": "{organisation} delivers on time."}
    data.update(fields)
    return client.post(url("instrument_item_add", version_id=version.pk, section_id=section.pk), data)


def test_add_a_custom_scored_item_in_both_languages(consultant):
    version = copy_core(consultant)
    response = add_item(consultant, version)
    assert response.status_code == 302
    item = Item.objects.get(version=version, key="own_item")
    assert item.text == {"nl": "{organisation} levert op tijd.", "en": "{organisation} delivers on time."}
    assert item.dimension == "competence"


def test_scored_item_without_dimension_is_refused_with_a_message(consultant):
    version = copy_core(consultant)
    response = add_item(consultant, version, dimension="")
    assert response.status_code == 200
    assert "needs a dimension" in response.content.decode()
    assert not Item.objects.filter(version=version, key="own_item").exists()


def test_missing_translation_blocks_publishing(consultant):
    version = copy_core(consultant)
    item = version.items.first()
    Item.objects.filter(pk=item.pk).update(text={"nl": item.text["nl"]})
    response = consultant.get(url("instrument_version", version_id=version.pk))
    assert response.context["problems"]
    assert 'disabled aria-describedby="problems"' in response.content.decode()
    consultant.post(url("instrument_publish", version_id=version.pk))
    version.refresh_from_db()
    assert not version.is_frozen


def test_quality_warnings_name_the_dimension_and_allow_publishing(consultant):
    # given a copy with only one empathy item left
    version = copy_core(consultant)
    for item in version.items.filter(dimension="empathy")[1:]:
        consultant.post(url("instrument_item_action", version_id=version.pk, item_id=item.pk), {"action": "delete"})
    # when the edit page is shown
    response = consultant.get(url("instrument_version", version_id=version.pk))
    # then the warning names the dimension in a short translated sentence, and publishing stays possible
    assert not response.context["problems"]
    assert "<strong>Empathy</strong>: A dimension has only 1 or 2 scored items" in response.content.decode()
    assert 'disabled aria-describedby="problems"' not in response.content.decode()


def test_reorder_sections_and_items(consultant):
    version = copy_core(consultant)
    sections = list(version.sections.order_by("position"))
    consultant.post(url("instrument_section", version_id=version.pk, section_id=sections[1].pk), {"action": "up"})
    assert list(version.sections.order_by("position").values_list("key", flat=True))[:2] == [sections[1].key, sections[0].key]
    items = list(sections[0].items.order_by("position"))
    consultant.post(url("instrument_item_action", version_id=version.pk, item_id=items[0].pk), {"action": "down"})
    assert list(sections[0].items.order_by("position").values_list("key", flat=True))[:2] == [items[1].key, items[0].key]


def test_publish_freezes_and_every_path_refuses_afterwards(consultant, org):
    # given a published copy
    version = copy_core(consultant)
    response = consultant.post(url("instrument_publish", version_id=version.pk))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_frozen and version.fingerprint
    assert AuditEvent.objects.filter(verb="instrument.publish", organisation=org).exists()
    before = list(Item.objects.filter(version=version).values())
    item, section = version.items.first(), version.sections.first()
    # when the form, the item actions and the section actions are posted
    responses = [
        consultant.post(url("instrument_item", version_id=version.pk, item_id=item.pk),
                        {"key": item.key, "role": item.role, "dimension": item.dimension, "referent": item.referent,
                         "text_nl": "x", "text_en": "y"}),
        consultant.post(url("instrument_item_action", version_id=version.pk, item_id=item.pk), {"action": "delete"}),
        consultant.post(url("instrument_section", version_id=version.pk, section_id=section.pk), {"action": "delete"}),
        consultant.post(url("instrument_section_add", version_id=version.pk)),
        consultant.post(url("instrument_publish", version_id=version.pk)),
        consultant.post(url("instrument_version", version_id=version.pk), {"languages": ["en"], "name_en": "x"}),
    ]
    # then none is a server error, each explains, and nothing changed
    for response in responses:
        assert response.status_code == 302, response
    page = consultant.get(url("instrument_version", version_id=version.pk)).content.decode()
    assert "frozen" in page
    assert list(Item.objects.filter(version=version).values()) == before


def test_admin_change_post_to_published_item_is_refused(client, django_user_model):
    version = core_version("core-inside")
    admin_user = django_user_model.objects.create_superuser(email="root@x.test", password="pw-123456-long")
    client.force_login(admin_user)
    item = version.items.first()
    response = client.post(reverse("admin:surveys_item_change", args=[item.pk]),
                           {"key": "hacked", "role": item.role, "referent": item.referent, "text": '{"en": "x"}',
                            "version": version.pk, "section": item.section_id, "position": 0})
    assert response.status_code in (302, 403)
    item.refresh_from_db()
    assert item.key != "hacked"


def test_new_version_of_published_is_a_draft_numbered_next(consultant):
    version = copy_core(consultant)
    consultant.post(url("instrument_publish", version_id=version.pk))
    consultant.post(url("instrument_version_new", version_id=version.pk))
    draft = version.instrument.versions.get(number=2)
    assert not draft.is_frozen and draft.based_on_id == version.pk
    assert draft.items.count() == version.items.count()
    page = consultant.get(url("instrument_version", version_id=draft.pk)).content.decode()
    assert 'aria-current="page">v2</strong>' in page and f'/v/{version.pk}/"' in page


def test_preview_renders_every_question_with_labelled_radios(consultant):
    version = copy_core(consultant)
    response = consultant.get(url("instrument_preview", version_id=version.pk) + "?language=nl&phone=1")
    content = response.content.decode()
    assert content.count("<fieldset") == 19  # 21 items minus 2 open questions
    assert content.count("<textarea") == 2
    assert "Helemaal oneens" in content and "Weet ik niet" in content
    assert "preview-phone" in content  # the phone-width class (a style attribute would break the CSP)
    assert "Acme" in content  # {organisation} filled


def test_export_then_import_round_trips(consultant, org):
    version = core_version("core-inside")
    for kind in ("yaml", "json"):
        response = consultant.get(url("instrument_export", version_id=version.pk) + f"?format={kind}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        upload = SimpleUploadedFile(f"core.{kind}", response.content)
        consultant.post(url("instrument_import"), {"file": upload})
        imported = InstrumentVersion.objects.filter(instrument__organisation=org).latest("pk")
        assert not imported.is_frozen
        from dataclasses import replace
        assert version_to_format(imported) == replace(version_to_format(version), key=imported.instrument.key,
                                                      version=imported.number)


def test_import_as_new_version_of_an_existing_instrument(consultant, org):
    version = copy_core(consultant)
    text = consultant.get(url("instrument_export", version_id=version.pk) + "?format=yaml").content
    consultant.post(url("instrument_import"), {"file": SimpleUploadedFile("x.yml", text), "into": version.instrument.pk})
    assert version.instrument.versions.count() == 2


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("bad.yaml", b"format: trustier-instrument/1\nkey: x\n", "languages"),
    ("bad.json", b"{not json", ""),
    ("bad.yaml", b"- a\n- b\n", ""),
    ("bad.txt", b"key: x", "Upload a .yaml"),
    ("big.yaml", b"#" * (fmt.MAX_FILE_BYTES + 10), "1 MB"),
])
def test_malformed_uploads_list_problems_and_store_nothing(consultant, name, content, expected):
    before = (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())
    response = consultant.post(url("instrument_import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert response.context["problems"] or response.context["form"].errors
    assert (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count()) == before


def test_import_with_many_problems_lists_each(consultant):
    data = json.loads(fmt.dump(fmt.load_bundled("core-inside"), fmt="json"))
    data["sections"][0]["items"][0]["dimension"] = "nonsense"
    del data["sections"][0]["items"][1]["text"]["en"]
    response = consultant.post(url("instrument_import"), {"file": SimpleUploadedFile("x.json", json.dumps(data).encode())})
    assert len(response.context["problems"]) >= 2
    assert not Instrument.objects.filter(organisation__slug="acme").exists()


def test_import_into_a_published_instrument_never_touches_the_published_version(consultant):
    # given a published v1
    version = copy_core(consultant)
    consultant.post(url("instrument_publish", version_id=version.pk))
    before = list(Item.objects.filter(version=version).values())
    text = consultant.get(url("instrument_export", version_id=version.pk) + "?format=yaml").content
    # when a file is imported into that instrument
    consultant.post(url("instrument_import"), {"file": SimpleUploadedFile("x.yaml", text), "into": version.instrument.pk})
    # then it becomes draft v2 and v1 is unchanged
    assert version.instrument.versions.get(number=2).status == "draft"
    assert list(Item.objects.filter(version=version).values()) == before
    # and writing rows into the published version directly is refused
    with pytest.raises(FrozenVersionError):
        Item.objects.bulk_create([Item(version=version, section=version.sections.first(), key="x", role="comment",
                                       referent="organisation", text={"en": "x"})])
    assert list(Item.objects.filter(version=version).values()) == before


def test_import_racing_a_taken_version_number_is_a_message_not_a_500(consultant, monkeypatch):
    version = copy_core(consultant)
    consultant.post(url("instrument_publish", version_id=version.pk))
    from surveys import services
    monkeypatch.setattr(services, "next_version_number", lambda instrument: version.number)
    text = consultant.get(url("instrument_export", version_id=version.pk) + "?format=yaml").content
    response = consultant.post(url("instrument_import"), {"file": SimpleUploadedFile("x.yaml", text), "into": version.instrument.pk})
    assert response.status_code == 200 and response.context["problems"]
    assert version.instrument.versions.count() == 1


def test_pulse_from_a_published_version(consultant, org):
    response = consultant.post(url("instrument_pulse", version_id=core_version("core-inside").pk))
    assert response.status_code == 302
    pulse = InstrumentVersion.objects.get(instrument__organisation=org)
    assert pulse.instrument.key.endswith("-pulse")
    assert pulse.items.count() == 5
    assert not pulse.is_frozen


def test_section_rename_and_remove(consultant):
    version = copy_core(consultant)
    section = version.sections.order_by("position").last()
    prefix = f"s{section.pk}-"
    consultant.post(url("instrument_section", version_id=version.pk, section_id=section.pk),
                    {"action": "save", prefix + "key": "renamed", prefix + "title_nl": "Nieuw", prefix + "title_en": "New"})
    section.refresh_from_db()
    assert section.key == "renamed" and section.title == {"nl": "Nieuw", "en": "New"}
    consultant.post(url("instrument_section", version_id=version.pk, section_id=section.pk), {"action": "delete"})
    assert not Section.objects.filter(pk=section.pk).exists()


def test_other_organisations_versions_are_not_found(client, personas, other_org):
    from surveys.services import instrument_copy
    foreign = instrument_copy(actor=None, organisation=other_org, version=core_version("core-inside"))
    client.force_login(personas["consultant"])
    assert client.get(url("instrument_version", version_id=foreign.pk)).status_code == 404
    assert client.post(url("instrument_publish", version_id=foreign.pk)).status_code == 404


def test_removing_then_adding_a_language(consultant, org):
    # given a copy of core-inside
    version = copy_core(consultant)
    # when English is removed
    consultant.post(url("instrument_version", version_id=version.pk), {"languages": ["nl"], "name_nl": "Kern"})
    version.refresh_from_db()
    # then every English text is gone and the version is still publishable
    assert version.languages == ["nl"] and "en" not in version.scale["dont_know"]
    assert all(set(item.text) == {"nl"} for item in version.items.all())
    assert consultant.get(url("instrument_version", version_id=version.pk)).context["problems"] == []
    # when English is added again
    consultant.post(url("instrument_version", version_id=version.pk),
                    {"languages": ["nl", "en"], "name_nl": "Kern", "name_en": "Core"})
    version.refresh_from_db()
    # then the default scale speaks English again, and only the missing item texts block publishing
    assert version.languages == ["nl", "en"]
    assert version.scale["dont_know"]["en"] == "Don't know / not applicable"
    problems = consultant.get(url("instrument_version", version_id=version.pk)).context["problems"]
    assert problems and not any("scale" in p for p in problems)


def test_draft_cannot_be_copied_or_pulsed_and_says_why(consultant):
    version = copy_core(consultant)
    for name in ("instrument_copy", "instrument_pulse", "instrument_version_new"):
        response = consultant.post(url(name, version_id=version.pk), follow=True)
        assert response.status_code == 200
        assert "Only a published version" in response.content.decode()
    assert InstrumentVersion.objects.filter(instrument__organisation__slug="acme").count() == 1


def test_export_of_an_incomplete_draft_is_a_message(consultant):
    consultant.post(url("instrument_new"), {"name": "Leeg"})
    version = InstrumentVersion.objects.get(instrument__organisation__slug="acme")
    response = consultant.get(url("instrument_export", version_id=version.pk), follow=True)
    assert response.status_code == 200
    assert "The instrument is not complete" in response.content.decode()


def test_felt_trust_items_of_a_copied_module_can_be_edited(consultant, org):
    consultant.post(url("instrument_copy", version_id=core_version("module-felt-trust").pk))
    version = InstrumentVersion.objects.get(instrument__organisation=org)
    item = version.items.filter(role="felt_trust").first()
    data = {"key": item.key, "role": "felt_trust", "dimension": item.dimension, "referent": item.referent,
            "required": "on", "text_nl": "Nieuw", "text_en": "New"}
    assert consultant.post(url("instrument_item", version_id=version.pk, item_id=item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.text == {"nl": "Nieuw", "en": "New"} and item.role == "felt_trust"
