from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "vadesk.invoicing"
    verbose_name = _("Invoicing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # timesheets sits below: it offers the hook, a draft follows its entries (vadesk/invoicing/hours.py).
        from vadesk.invoicing.hours import draft_follow_entry
        from vadesk.timesheets.services import time_entry_changed

        time_entry_changed.register(draft_follow_entry)
