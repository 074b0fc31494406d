from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "vadesk.jobs"
    label = "jobs"
