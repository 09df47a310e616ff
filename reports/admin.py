from django.contrib import admin

from reports.models import SnapshotClaim, SnapshotRun, TrendSnapshot


@admin.register(TrendSnapshot)
class TrendSnapshotAdmin(admin.ModelAdmin):
    list_display = ("wave", "unit", "cut", "measure", "suppressed", "n", "mean", "verdict", "computed_at")
    list_filter = ("measure", "suppressed", "verdict")
    raw_id_fields = ("organisation", "assessment", "wave", "unit", "previous_wave")


@admin.register(SnapshotRun)
class SnapshotRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at", "status", "waves_built", "rows_written", "claimed_by")
    list_filter = ("status",)


@admin.register(SnapshotClaim)
class SnapshotClaimAdmin(admin.ModelAdmin):
    list_display = ("wave", "claimed_by", "claimed_at", "built_at")
    raw_id_fields = ("wave",)
