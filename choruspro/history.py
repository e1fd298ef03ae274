"""Append-only histories chained by SHA-256: the portal's « piste d'audit fiable ».

CGI art. 289-VII-1: « l'authenticité de l'origine, l'intégrité du contenu et la lisibilité de la
facture » may be ensured by « des contrôles documentés [...] permettant d'établir une piste d'audit
fiable ». Each history row stores the hash of its content and of the previous row of its chain
(one chain per invoice, structure or deposit), so that a row changed, removed or moved after the
fact shows as a broken link. PostgreSQL refuses UPDATE and DELETE on these tables (pgtrigger); the
save()/delete() guards below cover the other databases.

This module is low-level on purpose: every app may import it, it imports no app.
"""

import datetime
import enum
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

import pgtrigger
from django.apps import apps
from django.db import connections, models, router, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from choruspro.translatable import Message

# The previous hash of a chain's first row.
GENESIS_HASH = "0" * 64


def _canonical(value):
    if isinstance(value, Message):
        # What the row stores, whatever language it is read in.
        return value.stored
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def chain_hash(content: dict, previous_hash: str) -> str:
    """SHA-256 of the previous row's hash followed by the sorted-key JSON of the content."""
    serialised = json.dumps(_canonical(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{serialised}".encode()).hexdigest()


class AppendOnlyQuerySet(models.QuerySet):
    def bulk_create(self, *args, **kwargs):
        # bulk_create skips save(): the rows would carry no hash and break their chain.
        raise TypeError("history rows are chained one by one: create them with save()")


class AppendOnlyModel(models.Model):
    """A history row: written once, never updated or deleted, chained to the previous row of
    its chain. Subclasses name their chain key (a field, e.g. "invoice") and the fields the hash
    covers, and declare `class Meta(AppendOnlyModel.Meta)` to keep the database trigger."""

    chain_key: ClassVar[str]
    hashed_fields: ClassVar[tuple[str, ...]]
    # True when every writer of a chain already holds its parent row's lock (SELECT … FOR UPDATE,
    # as the invoice services do before any write): that lock serialises the chain, and the
    # advisory lock — one more query per row — is not needed.
    chain_parent_locked: ClassVar[bool] = False

    # Blank only until save() computes them.
    previous_hash = models.CharField(
        _("empreinte de la ligne précédente"), max_length=64, editable=False, default=""
    )
    row_hash = models.CharField(_("empreinte SHA-256"), max_length=64, editable=False, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("history rows are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The lock, the read of the chain's last row and the insert belong to one transaction, so
        # that two writers never chain onto the same row.
        with transaction.atomic(using=using, savepoint=False):
            self.previous_hash = self._last_hash(using)
            self.row_hash = chain_hash(self.hashed_content(), self.previous_hash)
            super().save(*args, **kwargs)

    @classmethod
    def create_chained(cls, rows: list, using: str | None = None) -> list:
        """Several new rows of one chain, in order: the chain's last hash read once, each row
        chained to the one before it, all inserted by one statement (same hashes as one save()
        after the other)."""
        if not rows:
            return rows
        using = using or router.db_for_write(cls, instance=rows[0])
        attname = cls.chain_attname()
        if len({getattr(row, attname) for row in rows}) != 1 or any(row.pk is not None for row in rows):
            raise ValueError("create_chained takes new rows of one chain")
        with transaction.atomic(using=using, savepoint=False):
            previous = rows[0]._last_hash(using)
            for row in rows:
                row.previous_hash = previous
                row.row_hash = previous = chain_hash(row.hashed_content(), previous)
            # The guarded bulk_create is bypassed here only, with every hash computed above.
            return models.QuerySet(cls, using=using).bulk_create(rows)

    def delete(self, *args, **kwargs):
        raise ValueError("history rows are append-only")

    @classmethod
    def chain_attname(cls) -> str:
        return cls._meta.get_field(cls.chain_key).attname

    @classmethod
    def hashed_attnames(cls) -> list[str]:
        return [cls._meta.get_field(name).attname for name in cls.hashed_fields]

    def hashed_content(self) -> dict:
        return {attname: getattr(self, attname) for attname in self.hashed_attnames()}

    def _last_hash(self, using: str) -> str:
        chain_value = getattr(self, self.chain_attname())
        connection = connections[using]
        if connection.vendor == "postgresql" and not self.chain_parent_locked:
            # Released at commit; a lock on the parent row would not cover a null chain key
            # (the audit log's rows without structure).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(type(self), chain_value)])
        last = (
            type(self)
            .objects.using(using)
            .filter(**{self.chain_attname(): chain_value})
            .order_by("-pk")
            .values_list("row_hash", flat=True)
            .first()
        )
        return last or GENESIS_HASH


def _lock_key(model, chain_value) -> int:
    """A signed 64-bit key: the model in the high half, the chain in the low half (a collision
    only serialises two unrelated writers)."""
    key = (zlib.crc32(model._meta.label.encode()) << 32) | ((chain_value or 0) & 0xFFFFFFFF)
    return key - (1 << 64) if key >= 1 << 63 else key


def chained_models() -> list[type[AppendOnlyModel]]:
    return [model for model in apps.get_models() if issubclass(model, AppendOnlyModel)]


# --- Verification ---------------------------------------------------------------------------------


class BreakKind(enum.StrEnum):
    CONTENT = "content"  # the row no longer matches the hash it was written with
    START = "start"  # the chain's first row does not start from the genesis: rows before it are gone
    ORDER = "order"  # the row links to another row of the chain than the one before it
    MISSING = "missing"  # the row links to a row that is no longer there (removed or rewritten)


BREAK_DESCRIPTIONS = {
    BreakKind.CONTENT: "contenu modifié depuis son écriture",
    BreakKind.START: "les premières lignes de la chaîne ont disparu",
    BreakKind.ORDER: "ordre des lignes modifié",
    BreakKind.MISSING: "la ligne précédente a été supprimée ou réécrite",
}


@dataclass(frozen=True)
class Break:
    """The first broken link of one chain."""

    model: type[AppendOnlyModel]
    chain: object
    row_id: int
    created_at: datetime.datetime | None
    kind: BreakKind

    @property
    def description(self) -> str:
        return BREAK_DESCRIPTIONS[self.kind]

    @property
    def history_name(self) -> str:
        # Templates cannot read _meta.
        return self.model._meta.verbose_name_plural


@dataclass
class ChainReport:
    model: type[AppendOnlyModel]
    chains: int = 0
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)


def _first_break(model, chain, rows: list[dict]) -> Break | None:
    hashes = {row["row_hash"] for row in rows}
    expected = GENESIS_HASH
    attnames = model.hashed_attnames()
    for position, row in enumerate(rows):
        kind = None
        if chain_hash({a: row[a] for a in attnames}, row["previous_hash"]) != row["row_hash"]:
            kind = BreakKind.CONTENT
        elif row["previous_hash"] != expected:
            if row["previous_hash"] in hashes:
                kind = BreakKind.ORDER
            else:
                kind = BreakKind.START if position == 0 else BreakKind.MISSING
        if kind is not None:
            return Break(model, chain, row["pk"], row.get("created_at"), kind)
        expected = row["row_hash"]
    return None


def _chains(model, rows: Iterable[dict]) -> Iterator[tuple[object, list[dict]]]:
    key = model.chain_attname()
    chain, members = None, []
    for row in rows:
        if members and row[key] != chain:
            yield chain, members
            members = []
        chain = row[key]
        members.append(row)
    if members:
        yield chain, members


def verify(model: type[AppendOnlyModel], queryset=None) -> ChainReport:
    """Recomputes every row's hash, chain by chain (rows streamed in chain then pk order)."""
    queryset = model.objects.all() if queryset is None else queryset
    columns = {"pk", "previous_hash", "row_hash", model.chain_attname(), *model.hashed_attnames()}
    rows = queryset.order_by(model.chain_attname(), "pk").values(*columns).iterator(chunk_size=5000)
    return _report(model, rows)


def verify_loaded(model: type[AppendOnlyModel], instances) -> ChainReport:
    """verify() over rows a page has already read (any order): no query of its own."""
    key = model.chain_attname()
    rows = (
        {"pk": row.pk, "previous_hash": row.previous_hash, "row_hash": row.row_hash, **row.hashed_content()}
        for row in sorted(instances, key=lambda row: (getattr(row, key), row.pk))
    )
    return _report(model, rows)


def _report(model, rows: Iterable[dict]) -> ChainReport:
    report = ChainReport(model)
    for chain, members in _chains(model, rows):
        report.chains += 1
        report.rows += len(members)
        broken = _first_break(model, chain, members)
        if broken is not None:
            report.breaks.append(broken)
    return report


def rechain(model, *, chain_attname: str, hashed_attnames: Iterable[str]) -> int:
    """Computes the chain of rows written before chaining existed, in pk order (data migrations:
    `model` may be a historical model, hence the explicit names). Returns the number of rows."""
    hashed_attnames = list(hashed_attnames)
    rows = model.objects.order_by(chain_attname, "pk").values("pk", chain_attname, *hashed_attnames)
    chain, previous, changed = object(), GENESIS_HASH, []
    for row in rows.iterator(chunk_size=5000):
        if row[chain_attname] != chain:
            chain, previous = row[chain_attname], GENESIS_HASH
        current = chain_hash({a: row[a] for a in hashed_attnames}, previous)
        changed.append(model(pk=row["pk"], previous_hash=previous, row_hash=current))
        previous = current
    model.objects.bulk_update(changed, ["previous_hash", "row_hash"], batch_size=1000)
    return len(changed)
