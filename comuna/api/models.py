"""Personal access tokens: how a program calls the API as a user (``Authorization: Bearer``).

A token is shown once, when it is made; the database keeps only the SHA-256 of its secret
(a 256-bit random string, so a plain hash suffices: there is nothing to guess) and a short
prefix that names it in the owner's list. Revoking is immediate; an expired token is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read-write", _("Read and write")


class PersonalToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    # the first characters of the token as given (not secret): it names the token in lists
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    created_at = models.DateTimeField(default=timezone.now)
    # valid through this day (in the site's time zone); none: until revoked
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and timezone.localdate() > self.expires_on

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.READ_WRITE
