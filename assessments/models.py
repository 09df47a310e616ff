"""Tenants and the people in them: organisations, the unit tree, people and login roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    min_group_size = models.PositiveSmallIntegerField(_("minimum group size"), default=5)
    created_at = models.DateTimeField(default=timezone.now)
    # Branding of reports (cover and headings): a validated, re-encoded PNG under MEDIA_ROOT/logos, and a colour
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    brand_colour = models.CharField(_("colour"), max_length=7, blank=True)
    # Privacy (issue 10): respondent-level data of a wave is deleted this many months after it closed; empty = keep.
    respondent_data_months = models.PositiveSmallIntegerField(_("keep respondent data (months)"), null=True, blank=True, default=24)
    # Security (issue 10): owners and consultants must use two-factor authentication to open this organisation.
    require_two_factor = models.BooleanField(_("require two-factor authentication for owners and consultants"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(min_group_size__gte=3), name="min_group_size_at_least_3")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the unit tree. `tree_path` ("/3/17/") makes a subtree one indexed prefix query."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        TEAM = "team", _("team")
        LOCATION = "location", _("location")
        SEGMENT = "segment", _("customer segment")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    path = models.CharField(max_length=1000, help_text="Names from the root, e.g. Sales/North")
    tree_path = models.CharField(max_length=400, db_index=True, blank=True)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["organisation", "path"], name="unique_unit_path")]

    def __str__(self) -> str:
        return self.path


class Person(models.Model):
    """Someone who can be invited. Never deleted silently: deactivated instead."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    external_id = models.CharField(_("external id"), max_length=64)
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=[("en", "English"), ("nl", "Nederlands")], default="nl")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    attributes = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "external_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "external_id"], name="unique_person_external_id")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.external_id


class Membership(models.Model):
    """A login user's role in one organisation. Managers see their unit's subtree only."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        CONSULTANT = "consultant", _("consultant")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=~models.Q(role="manager") | models.Q(unit__isnull=False), name="manager_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.role}"


class Assessment(models.Model):
    """A measuring campaign: who is asked (audience, units in scope), with which questionnaire, how anonymously."""

    class Audience(models.TextChoices):
        INSIDE = "inside", _("inside (employees)")
        OUTSIDE = "outside", _("outside (customers and partners)")
        PERSON = "person", _("360° feedback on one person")

    class Anonymity(models.TextChoices):
        ANONYMOUS = "anonymous", _("anonymous")
        CONFIDENTIAL = "confidential", _("confidential")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assessments")
    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.INSIDE)
    anonymity = models.CharField(_("anonymity"), max_length=12, choices=Anonymity.choices, default=Anonymity.ANONYMOUS)
    # Upward reference by string (the ladder allows it where a foreign key is unavoidable).
    instrument_version = models.ForeignKey("surveys.InstrumentVersion", on_delete=models.PROTECT, related_name="assessments")
    units = models.ManyToManyField(Unit, blank=True, related_name="+", help_text="Empty: the whole organisation")
    languages = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The after-incident pulse launched from this incident (one per incident; its waves follow the repair).
    incident = models.OneToOneField("Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="pulse")
    # Reciprocal trust (issue 11): each wave asks the managers of units in scope to rate their team as a whole and,
    # before results exist, to predict how their team will rate the leadership.
    reciprocal = models.BooleanField(_("ask managers about their team"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """One fielding period of an assessment; trends are made of waves."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        RELEASED = "released", _("released")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveIntegerField()
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    reminder_days = models.JSONField(default=list, blank=True, help_text="Days after opening, e.g. [3, 7]")
    invitation_text = models.JSONField(default=dict, blank=True, help_text="Custom text per language")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Outside audiences: an open link anyone may answer (hash of its token only).
    open_link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Set by the retention job (reports/privacy.py) once responses, answers, drafts and invitations are deleted;
    # the snapshot builder then keeps this wave's aggregates as they are.
    respondent_data_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="unique_wave_number"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="wave_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.number}"


class Incident(models.Model):
    """Something that happened and touched trust; trend charts mark it and repair is measured from its date."""

    class Dimension(models.TextChoices):
        COMPETENCE = "competence", _("competence")
        RELIABILITY = "reliability", _("reliability")
        INTEGRITY = "integrity", _("integrity")
        EMPATHY = "empathy", _("empathy")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    dimensions = models.JSONField(default=list, help_text="Codes of Incident.Dimension, at least one")
    units = models.ManyToManyField(Unit, blank=True, related_name="+", help_text="Empty: the whole organisation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["organisation", "occurred_on"], name="incident_org_date")]

    def __str__(self) -> str:
        return self.title

    def dimension_labels(self) -> list[str]:
        labels = dict(self.Dimension.choices)
        return [str(labels.get(code, code)) for code in self.dimensions]
