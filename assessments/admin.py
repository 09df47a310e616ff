from django.contrib import admin

from assessments.models import Membership, Organisation, Unit


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "min_group_size")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("path", "organisation", "kind")
    list_filter = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "unit")
