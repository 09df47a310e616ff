from django.apps import AppConfig


class TrustierConfig(AppConfig):
    name = "trustier"
    verbose_name = "Trustier"
