"""360° feedback cycles: a cycle is an Assessment(audience="person") with one wave, subjects and nominated raters."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.groups import GROUP_CHOICES, default_group_limits


class Cycle(models.Model):
    class ReportAccess(models.TextChoices):
        SUBJECT = "subject", _("the subject only")
        SUBJECT_MANAGER = "subject_manager", _("the subject and their manager")
        SUBJECT_MANAGER_COACH = "subject_manager_coach", _("the subject, their manager and the cycle's coaches")

    assessment = models.OneToOneField("assessments.Assessment", on_delete=models.CASCADE, related_name="cycle")
    min_raters = models.PositiveSmallIntegerField(_("minimum raters per group"), default=3, validators=[MinValueValidator(3)])
    group_limits = models.JSONField(_("group limits"), default=default_group_limits, blank=True)
    nomination_closes_at = models.DateTimeField(_("nominations close"))
    report_access = models.CharField(
        _("who reads a subject's report"), max_length=24, choices=ReportAccess.choices, default=ReportAccess.SUBJECT_MANAGER
    )
    coaches = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="coached_cycles")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(min_raters__gte=3), name="cycle_min_raters_at_least_3")]

    def __str__(self) -> str:
        return str(self.assessment)

    @property
    def wave(self):
        return self.assessment.waves.order_by("number").first()

    def limits(self, group: str) -> tuple[int, int]:
        lo, hi = (self.group_limits or default_group_limits()).get(group, default_group_limits().get(group, [0, 0]))
        return int(lo), int(hi)


class Subject(models.Model):
    class Status(models.TextChoices):
        NOMINATING = "nominating", _("nominating")
        APPROVED = "approved", _("approved")
        INVITED = "invited", _("invited")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("assessments.Person", on_delete=models.PROTECT, related_name="feedback_subjects")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOMINATING)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    # The subject's own invitation (group "self"), made when the wave opens.
    self_invitation = models.OneToOneField(
        "surveys.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_self_subject"
    )

    class Meta:
        ordering = ["cycle", "person__last_name", "person__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="one_subject_per_person_per_cycle")]

    def __str__(self) -> str:
        return f"{self.person.first_name} {self.person.last_name}".strip() or self.person.email


class Nomination(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="nominations")
    rater = models.ForeignKey("assessments.Person", on_delete=models.PROTECT, related_name="feedback_nominations")
    group = models.CharField(_("group"), max_length=10, choices=GROUP_CHOICES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invitation = models.OneToOneField("surveys.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="nomination")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["subject", "group", "id"]
        constraints = [models.UniqueConstraint(fields=["subject", "rater"], name="one_nomination_per_rater_per_subject")]

    def __str__(self) -> str:
        return f"{self.subject} ← {self.rater_id} ({self.group})"
