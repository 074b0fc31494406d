from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "vadesk.invoicing"
    verbose_name = _("Invoicing")
    default_auto_field = "django.db.models.BigAutoField"
