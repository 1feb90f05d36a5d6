"""Ledger rows: append-only entries in named chains, and each chain's published head.

Entries are written only by :func:`comuna.ledger.services.record`; there is no update or
delete path. The ORM refuses one here (``save`` of an existing row, ``delete``, queryset
``update``/``delete``/``bulk_create``/``bulk_update``) and on PostgreSQL a row trigger refuses
``UPDATE`` and ``DELETE`` from any client. The hash formula is in ``comuna.ledger.hashing``.
"""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from comuna.ledger.hashing import entry_hash


class AppendOnlyError(Exception):
    """An attempt to change or remove a ledger entry."""


def _refuse(what: str) -> AppendOnlyError:
    return AppendOnlyError(
        f"ledger entries are append-only: {what} is refused; record a new entry instead"
    )


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse("QuerySet.update()")

    def delete(self):
        raise _refuse("QuerySet.delete()")

    def bulk_update(self, *args, **kwargs):
        raise _refuse("QuerySet.bulk_update()")

    def bulk_create(self, *args, **kwargs):
        raise _refuse("QuerySet.bulk_create() (comuna.ledger.record() is the only writer)")

    def update_or_create(self, *args, **kwargs):
        raise _refuse("QuerySet.update_or_create()")


class Entry(models.Model):
    """One fact in a chain: what happened (kind, payload), when, by whom, linked by hashes."""

    chain = models.CharField(_("chain"), max_length=100)
    seq = models.PositiveBigIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=100)
    payload = models.TextField(_("payload (canonical JSON)"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    actor = models.CharField(_("actor"), max_length=100, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="ledger_entry_chain_seq"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_entry_seq_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse("Entry.save() of an existing entry")
        if not getattr(self, "_written_by_record", False):
            raise _refuse("Entry.save() outside comuna.ledger.record()")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse("Entry.delete()")

    @property
    def data(self) -> object:
        """The payload as Python values."""
        return json.loads(self.payload)

    def computed_hash(self) -> str:
        """The hash this entry's fields give now (equal to ``hash`` unless tampered with)."""
        return entry_hash(
            chain=self.chain,
            seq=self.seq,
            kind=self.kind,
            recorded_at=self.recorded_at,
            actor=self.actor,
            payload=self.payload,
            prev_hash=self.prev_hash,
        )


class Head(models.Model):
    """The published head of a chain: its last sequence number and hash."""

    chain = models.CharField(_("chain"), max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["chain"]
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.hash}"
