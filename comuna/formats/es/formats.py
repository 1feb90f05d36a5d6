"""Spanish as written in Venezuela and most of Latin America: 1.234,50 (Django's generic
Spanish groups thousands with a space)."""

from django.conf.locale.es.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "."
