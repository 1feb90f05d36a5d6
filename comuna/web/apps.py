from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "comuna.web"
    label = "web"
