from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from trustier.models import AuditEvent, OutboxMessage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = ((None, {"fields": ("email", "password", "full_name", "language")}), ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}))
    add_fieldsets = ((None, {"fields": ("email", "password1", "password2")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organisation", "actor", "verb", "object_repr")
    list_filter = ("verb",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    exclude = ("payload",)  # may hold personal data; the admin shows delivery state only
