from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Cohort planning")

    def ready(self):
        from scheduling import tasks  # noqa: F401  (a planning run follows its job: task_finished)
