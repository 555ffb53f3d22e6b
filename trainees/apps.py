from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = _("BT doctors")

    def ready(self):
        from trainees import versions  # noqa: F401  (connects the record version to the audit trail)
