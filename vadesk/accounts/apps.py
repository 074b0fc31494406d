from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vadesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"
