from django.apps import AppConfig


class BtportalConfig(AppConfig):
    name = "btportal"
    verbose_name = "BT-portalen"
