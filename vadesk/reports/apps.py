from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vadesk.reports"
    label = "reports"
