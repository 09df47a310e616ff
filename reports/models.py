"""Trend snapshots (issue 7, point 1): one row per wave × unit × cut × measure, rebuilt when inputs change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrendSnapshot(models.Model):
    """Figures of one measure for one wave and unit (null = whole organisation).

    Suppressed rows carry no figures at all (not even n). `cut` is blank: wave_score has no
    attribute cuts yet. Change fields compare with the previous closed/released wave of the same
    assessment, only when both snapshots were built from versions with the same fingerprint.

    Measures: the dimensions, trust_index, how, why, global_trust, intention, response_rate;
    "item:<key>" per scored item (organisation and published units; mean/sd/ci on the response
    scale after reverse-keying, n = people who answered it, pct_favourable = % of them above the
    midpoint with a Wilson interval); "driver:<dimension>" (organisation only: mean = general
    dominance weight, the dimension's share of the variance of `outcome`, 0..1, ci = bootstrap
    interval, n = respondents used) and "driver_r2" (mean = total R²).
    rest_*: unit minus the rest of the organisation (POMP points, Welch interval, Benjamini–Hochberg
    q over the engine's heatmap family), on unit rows of the four dimensions and trust_index only,
    and only when the rest has at least the organisation's min_group_size respondents."""

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
    rest_diff = models.FloatField(null=True, blank=True)
    rest_ci_low = models.FloatField(null=True, blank=True)
    rest_ci_high = models.FloatField(null=True, blank=True)
    rest_q = models.FloatField(null=True, blank=True)
    rest_significant = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
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


class SnapshotComment(models.Model):
    """One published free-text answer, listed under one scope (unit subtree; null = organisation).

    Rebuilt with the wave's TrendSnapshot rows. Only scopes published under the comments threshold
    (max(10, min_group_size), with complementary suppression over the unit tree) get comments; a
    comment is listed under every such scope that contains its respondent. `position` is a seeded
    shuffle: never the order of submission. No response id, date or respondent unit is kept."""

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="snapshot_comments")
    unit = models.ForeignKey("assessments.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    item_key = models.CharField(max_length=64)
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["wave", "unit", "item_key", "position"]
        indexes = [models.Index(fields=["wave", "unit"])]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.unit_id or '-'}/{self.item_key}#{self.position}"


class SnapshotAlert(models.Model):
    """The one alert digest a user got for a wave's significant drops (unique: rebuilding never resends)."""

    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "user"], name="one_alert_per_wave_and_user")]

    def __str__(self) -> str:
        return f"wave {self.wave_id} → user {self.user_id}"


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


class ReportExport(models.Model):
    """One export job (issue 8): requested → running → ready / failed; the file lives under MEDIA_ROOT/exports."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Content(models.TextChoices):
        REPORT = "report", _("Report with figures")
        RESPONDENTS = "respondents", _("Answers per respondent (no identifying fields)")
        PERSON360 = "person360", _("Individual 360° feedback report")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        RUNNING = "running", _("running")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        PURGED = "purged", _("removed after the retention period")

    organisation = models.ForeignKey("assessments.Organisation", on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey("assessments.Wave", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("assessments.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             help_text="Empty: the whole organisation")
    # content "person360": the feedback.Subject whose report this is (an id, not a FK: reports sits below feedback
    # on the app ladder); who may read it is decided by the hook in export_jobs.CONTENT_HOOKS.
    subject_id = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=8, choices=Format.choices)
    content = models.CharField(max_length=12, choices=Content.choices, default=Content.REPORT)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-requested_at"], name="export_org_requested")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.wave_id} {self.status}"
