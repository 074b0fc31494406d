from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "vadesk.tasks"
    label = "tasks"
