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
