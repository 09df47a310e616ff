"""Django admin for instruments. Published versions are read-only: the model guards refuse any write,
and the admin shows them without save/delete buttons, turning a refused write into a message."""

from __future__ import annotations

from django.contrib import admin, messages

from surveys.models import FrozenVersionError, Instrument, InstrumentVersion, Item, Section


class FrozenAwareAdmin(admin.ModelAdmin):
    def _frozen(self, obj) -> bool:
        version = obj if isinstance(obj, InstrumentVersion) else getattr(obj, "version", None)
        return version is not None and version.pk is not None and \
            InstrumentVersion.objects.filter(pk=version.pk, status=InstrumentVersion.Status.PUBLISHED).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._frozen(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._frozen(obj))

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except FrozenVersionError as exc:
            messages.error(request, str(exc))

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except FrozenVersionError as exc:
            messages.error(request, str(exc))

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except FrozenVersionError as exc:
            messages.error(request, str(exc))


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("key", "organisation", "created_at")
    list_filter = ("organisation",)
    search_fields = ("key",)
    raw_id_fields = ("copied_from",)


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(FrozenAwareAdmin):
    list_display = ("__str__", "status", "published_at", "fingerprint")
    list_filter = ("status",)
    readonly_fields = ("status", "fingerprint", "published_at")
    raw_id_fields = ("instrument", "based_on", "created_by")


@admin.register(Section)
class SectionAdmin(FrozenAwareAdmin):
    list_display = ("key", "version", "position")
    raw_id_fields = ("version",)


@admin.register(Item)
class ItemAdmin(FrozenAwareAdmin):
    list_display = ("key", "version", "role", "dimension")
    list_filter = ("role", "dimension")
    raw_id_fields = ("version", "section")
