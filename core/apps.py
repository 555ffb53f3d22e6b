from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Connected before any app's models are imported (the registry imports every app's config first):
# each model of the project's apps gets the length limits of its text columns (core/textlimits.py).
import core.textlimits  # noqa: F401


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared")
