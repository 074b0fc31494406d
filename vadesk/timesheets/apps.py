from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "vadesk.timesheets"
    label = "timesheets"
