"""Trend snapshots (issue 7, point 1): one row per wave × unit × cut × measure, rebuilt when inputs change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrendSnapshot(models.Model):
    """Figures of one measure for one wave and unit (null = whole organisation).

    Suppressed rows carry no figures at all (not even n). `cut` is blank: wave_score has no
    attribute cuts yet. Change fields compare with the previous closed/released wave of the same
    assessment, only when both snapshots were built from versions with the same fingerprint."""

    class Verdict(models.TextChoices):
        UP = "up", _("up")
        DOWN = "down", _("down")
        NONE = "none", _("no clear change")

    organisation = models.ForeignKey("assessments.Organisation", on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="snapshots")
    unit = models.ForeignKey("assessments.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cut = models.CharField(max_length=200, blank=True)
    measure = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, blank=True)
    suppressed = models.BooleanField(default=False)
    n = models.IntegerField(null=True, blank=True)
    n_invited = models.IntegerField(null=True, blank=True)
    mean = models.FloatField(null=True, blank=True)
    sd = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    mean_pomp = models.FloatField(null=True, blank=True)
    sd_pomp = models.FloatField(null=True, blank=True)
    ci_low_pomp = models.FloatField(null=True, blank=True)
    ci_high_pomp = models.FloatField(null=True, blank=True)
    n_favourable = models.IntegerField(null=True, blank=True)
    pct_favourable = models.FloatField(null=True, blank=True)
    pct_favourable_low = models.FloatField(null=True, blank=True)
    pct_favourable_high = models.FloatField(null=True, blank=True)
    alpha = models.FloatField(null=True, blank=True)
    alpha_ci_low = models.FloatField(null=True, blank=True)
    alpha_ci_high = models.FloatField(null=True, blank=True)
    omega = models.FloatField(null=True, blank=True)
    previous_wave = models.ForeignKey("assessments.Wave", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    diff = models.FloatField(null=True, blank=True)
    diff_ci_low = models.FloatField(null=True, blank=True)
    diff_ci_high = models.FloatField(null=True, blank=True)
    hedges_g = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    computed_at = models.DateTimeField()
    source_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["wave", "unit", "cut", "measure"]
        constraints = [
            # unique (wave, unit, cut, measure), with "no unit" (the organisation) counting as one value
            models.UniqueConstraint(fields=["wave", "unit", "cut", "measure"], condition=models.Q(unit__isnull=False),
                                    name="unique_snapshot_row"),
            models.UniqueConstraint(fields=["wave", "cut", "measure"], condition=models.Q(unit__isnull=True),
                                    name="unique_snapshot_row_organisation"),
        ]
        indexes = [models.Index(fields=["organisation", "measure"])]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.unit_id or '-'}/{self.cut or '-'}/{self.measure}"


class SnapshotClaim(models.Model):
    """One row per wave: locked (SELECT … FOR UPDATE SKIP LOCKED) while a worker builds it."""

    wave = models.OneToOneField("assessments.Wave", on_delete=models.CASCADE, primary_key=True, related_name="+")
    source_hash = models.CharField(max_length=64, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"wave {self.wave_id}"


class SnapshotRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("ok")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    waves_built = models.IntegerField(default=0)
    rows_written = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
