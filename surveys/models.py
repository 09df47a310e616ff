"""Questionnaires (versioned), invitations, drafts and responses.

An instrument version is edited only while it is a draft; publishing freezes it, and only published
versions can be used by an assessment. Every write path (form, admin, service, import, a queryset
update) goes through `save`/`delete` or `FreezableQuerySet`, which refuse to touch a frozen version.

Anonymous responses hold nothing that links them to an invitation or a person: a random UUID key,
the day of submission only, and the unit and attributes copied at submission. See
docs/anonymity-threat-model.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.instrument_format import DIMENSIONS, INTENTIONS, REFERENTS, ROLES


class FrozenVersionError(Exception):
    """Raised by every write to a published (frozen) instrument version or its sections and items."""


def _choices(values) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ")) for value in values]


class Instrument(models.Model):
    """A questionnaire family. organisation = None: shipped with Trustier (read-only, copy it to tailor)."""

    organisation = models.ForeignKey("assessments.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="instruments")
    key = models.SlugField(max_length=64)
    name = models.JSONField(default=dict, help_text="{language: name}")
    copied_from = models.ForeignKey("InstrumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="unique_instrument_key"),
            models.UniqueConstraint(fields=["key"], condition=models.Q(organisation__isnull=True), name="unique_bundled_instrument_key"),
        ]

    def __str__(self) -> str:
        return self.key


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.JSONField(default=dict)
    description = models.JSONField(null=True, blank=True)
    languages = models.JSONField(default=list)
    scale = models.JSONField(help_text="The format's scale mapping: min, max, labels, dont_know")
    # Hash of what scoring depends on (scored items' keys, dimensions, keying, scale, wording):
    # trends compare two waves only when their versions share it.
    fingerprint = models.CharField(max_length=64, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.instrument.key} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise FrozenVersionError(f"{self} is published and frozen; create a new version to change it")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise FrozenVersionError(f"{self} is published and frozen; it cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class FreezableQuerySet(models.QuerySet):
    """Bulk update/delete of sections or items refuse rows of a frozen version."""

    def _refuse_frozen(self) -> None:
        if self.filter(version__status=InstrumentVersion.Status.PUBLISHED).exists():
            raise FrozenVersionError("these rows belong to a published (frozen) instrument version")

    def update(self, **kwargs):
        self._refuse_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_frozen()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        version_ids = {obj.version_id for obj in objs}
        if InstrumentVersion.objects.filter(pk__in=version_ids, status=InstrumentVersion.Status.PUBLISHED).exists():
            raise FrozenVersionError("cannot add rows to a published (frozen) instrument version")
        return super().bulk_create(objs, *args, **kwargs)


class _VersionPart(models.Model):
    """A section or item: writable only while its version is a draft."""

    objects = FreezableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_version()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_version()
        return super().delete(*args, **kwargs)

    def _check_version(self) -> None:
        if InstrumentVersion.objects.filter(pk=self.version_id, status=InstrumentVersion.Status.PUBLISHED).exists():
            raise FrozenVersionError("this instrument version is published and frozen; create a new version to change it")


class Section(_VersionPart):
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=64)
    title = models.JSONField(default=dict)
    intro = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_section_key")]

    def __str__(self) -> str:
        return self.key


class Item(_VersionPart):
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=64)
    role = models.CharField(max_length=20, choices=_choices(ROLES))
    dimension = models.CharField(max_length=12, choices=_choices(DIMENSIONS), blank=True)
    intention = models.CharField(max_length=12, choices=_choices(INTENTIONS), blank=True)
    referent = models.CharField(max_length=20, choices=_choices(REFERENTS))
    text = models.JSONField(default=dict, help_text="{language: wording}")
    self_text = models.JSONField(null=True, blank=True, help_text="Wording for the person rating themself (360°)")
    reverse_keyed = models.BooleanField(default=False)
    required = models.BooleanField(default=True)
    pulse = models.BooleanField(default=False)
    scale = models.JSONField(null=True, blank=True, help_text="Own scale; empty: the version's scale")

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_item_key")]

    def __str__(self) -> str:
        return self.key


class Invitation(models.Model):
    """One person invited to one wave. Only a keyed hash of the token is stored (surveys/tokens.py).

    `answered` has no time on purpose: in anonymous mode nothing may order invitations by answer time.
    """

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("assessments.Person", on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=2, default="nl")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    answered = models.BooleanField(default=False)
    # 360° feedback: one person may rate several subjects in one wave. `subject_key` tells those invitations apart
    # ("" everywhere else) and `response_attributes` is copied into Response.attributes at submit
    # (e.g. {"subject": 12, "group": "peer"}); both are set by feedback/, never read back into an identity.
    subject_key = models.CharField(max_length=32, blank=True, default="")
    response_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "person", "subject_key"], name="one_invitation_per_person_per_wave"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class Draft(models.Model):
    """Answers saved while answering; deleted on submit. `key` is the token hash (or an open-link browser key)."""

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)
    language = models.CharField(max_length=2, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft {self.pk}"


class Response(models.Model):
    """What one respondent submitted. Anonymous mode: no link to an invitation, day-level time only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("assessments.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attributes = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2)
    submitted_on = models.DateField()
    # Confidential mode only (never shown in the product); always NULL in anonymous mode.
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Random per-form nonce: a repeated submission of the same form (double click, retry) is refused.
    submission_key = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["wave", "unit"])]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    """One item's answer: `value` on the item's scale, NULL for "don't know"; `text` for open questions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"answer {self.pk}"


class ManagerPrediction(models.Model):
    """A manager's prediction of how their team will rate the leadership, per dimension (POMP 0-100).

    Made before results exist: editable while the wave is a draft; once the wave is open for answers a saved
    prediction never changes (one made during fielding is final when saved). Visible only to its manager."""

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("assessments.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(help_text="{dimension: 0-100}")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "user"], name="one_prediction_per_manager_wave")]

    def __str__(self) -> str:
        return f"prediction · wave {self.wave_id} · {self.user}"


class TeamRating(models.Model):
    """A manager's answers to the short form about their team as a whole (never one team member): trust downward.

    Attributed, not anonymous: shown beside the team's own figures to that manager, managers above and owners."""

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("assessments.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text="{item key: value, or null for don't know}")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "user"], name="one_team_rating_per_manager_wave")]

    def __str__(self) -> str:
        return f"team rating · wave {self.wave_id} · {self.user}"
