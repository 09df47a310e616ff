from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        # the trust-repair block of the incident page (assessments may not import reports: the app ladder)
        from assessments.views_incidents import INCIDENT_SECTIONS
        from reports.views_repair import repair_section

        if repair_section not in INCIDENT_SECTIONS:
            INCIDENT_SECTIONS.append(repair_section)
