"""Benchmark of the invoice lists: `python -m benchmarks.lists` (make bench-lists).

Builds a throwaway PostgreSQL database `bench_lists_<pid>` on the server DATABASE_URL names (the
database the URL names is never written to), fills it with 1,000,000 invoices over 2,000
structures with INSERT … SELECT generate_series, then times the supplier and recipient Synthèse
and Rechercher pages in-process (Django test client: server time, no network): p50/p95/max per
page against the 100 ms target, for a big and an average supplier, a big and an average
recipient, and a plain user of the big recipient restricted to one service; then the API's
rechercher/fournisseur and rechercher/recipiendaire for the managers among them (a technical
account each, through the whole /cpro/ layer).

The schema is the one the migrations make (the list indexes are in invoices/models.py and
migration 0002); to weigh a new index, add it to the model and compare two runs. The CSV export
of the big supplier is also timed, in rows/s.

The database is dropped at the end, also on error, Ctrl-C or SIGTERM.

Options: --invoices N (1,000,000), --structures N (2,000), --runs N (up to 40 timed requests per
page), --explain (EXPLAIN (ANALYZE, BUFFERS) of every query
of a page that takes --explain-ms or more).
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

TARGET_MS = 100.0
WARM_UP_REQUESTS = 3
# A page still timing after this many seconds (and MIN_RUNS requests) stops before --runs, so that
# the phase on a slow schema ends in minutes; the table says how many requests were timed.
MAX_SECONDS_PER_PAGE = 8.0
MIN_RUNS = 10
# Databases this script must never create, write or drop, whatever the settings say.
PROTECTED_DATABASES = frozenset({"choruspro", "test", "postgres", "template0", "template1"})

# Share of all invoices of the one big supplier (a utility) and of the one big recipient (a
# ministry); the other invoices spread evenly over the other structures.
BIG_SUPPLIER_SHARE = 0.08
BIG_RECIPIENT_SHARE = 0.10
BIG_RECIPIENT_SERVICES = 12
AVERAGE_RECIPIENT_SERVICES = 3

# Lifecycle stage of a status: what dates an invoice in it has.
DRAFT, DEPOSITED, AVAILABLE, PROCESSED = 0, 1, 2, 3


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _interrupt(signum, frame):
    # SIGTERM takes the same path as Ctrl-C, so that the `finally` dropping the database runs.
    raise KeyboardInterrupt


def _code(value) -> str:
    """An enum code as an SQL literal; codes are ASCII capitals, never user input."""
    value = str(value)
    if not re.fullmatch(r"[A-Za-z0-9_]+", value):
        raise ValueError(f"not a code: {value!r}")
    return f"'{value}'"


def _insert_select(cursor, model, expressions: dict[str, str], source: str) -> int:
    """INSERT INTO <model's table> SELECT … FROM <source>, with every concrete column: those not in
    `expressions` take the field's default, else NULL. A model change therefore either still fills
    or fails here, naming the NOT NULL column it has no value for."""
    from django.db import connection

    columns, values, params = [], [], []
    known = set()
    for model_field in model._meta.concrete_fields:
        known.add(model_field.column)
        if model_field.primary_key or getattr(model_field, "generated", False):
            continue
        columns.append(connection.ops.quote_name(model_field.column))
        if model_field.column in expressions:
            values.append(expressions[model_field.column])
        elif model_field.has_default() or (model_field.empty_strings_allowed and not model_field.null):
            # A blank CharField's default is "" (Field.get_default), as the ORM would insert.
            values.append("%s")
            params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
        elif model_field.null:
            values.append("NULL")
        else:
            raise RuntimeError(f"{model._meta.db_table}.{model_field.column}: NOT NULL without a value")
    unknown = set(expressions) - known
    if unknown:
        raise RuntimeError(f"{model._meta.db_table} has no column {sorted(unknown)}")
    # The expressions and the source are this module's constants and computed integers only;
    # defaults go through parameters.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source}"
    )
    cursor.execute(sql, params)
    return cursor.rowcount


# --- Data ---------------------------------------------------------------------------------------


def _status_mix():
    """(status, weight %, min age, max age in days, stage): drafts and in-flight invoices are
    recent, paid and rejected ones spread over fifteen months."""
    from invoices.enums import InvoiceStatus as S

    return (
        (S.DRAFT, 6, 0, 60, DRAFT),
        (S.DEPOSITED, 1, 0, 2, DEPOSITED),
        (S.ROUTING, 1, 0, 2, DEPOSITED),
        (S.MADE_AVAILABLE, 7, 0, 60, AVAILABLE),
        (S.TAKEN_IN_CHARGE, 4, 2, 60, PROCESSED),
        (S.TO_RECYCLE, 2, 2, 120, PROCESSED),
        (S.SUSPENDED, 2, 2, 120, PROCESSED),
        (S.COMPLETED, 2, 2, 90, PROCESSED),
        (S.REJECTED, 5, 5, 450, PROCESSED),
        (S.SERVICE_DONE, 5, 5, 120, PROCESSED),
        (S.MANDATED, 4, 10, 150, PROCESSED),
        (S.SENT_TO_ACCOUNTANT, 2, 10, 150, PROCESSED),
        (S.ACCOUNTED, 3, 15, 200, PROCESSED),
        (S.PAID, 56, 20, 450, PROCESSED),
    )


@dataclass
class Actor:
    """A user logged in for a structure, and what the pages show them."""

    label: str
    side: str  # "supplier" or "recipient"
    user: object
    structure: object
    client: object = None
    api_headers: dict | None = None  # the /cpro/ credentials of a technical account, once made


def _create_user(email: str):
    from accounts.enums import UserStatus
    from accounts.models import User

    return User.objects.create_user(email, nom="Banc", prenom="Essai", status=UserStatus.ACTIVE)


def _create_structures(args) -> dict:
    """The structures users log in to, through the real services (memberships, opened spaces,
    subscriptions as the portal makes them); every other structure in bulk SQL."""
    from django.db import connection

    from structures import permissions, services
    from structures.enums import Role, Space, StructureKind, SubscriptionMode
    from structures.models import Structure, StructureService

    def create(n: int, name: str, kind: str):
        manager = _create_user(f"gestionnaire{n}@banc.example")
        structure = services.create_structure(
            actor=manager,
            data={"identifier": f"9{n:013d}", "raison_sociale": name, "ville": "Paris"},
            kind=kind,
        )
        return manager, structure

    big_supplier_user, big_supplier = create(1, "Grand fournisseur national", StructureKind.PRIVATE)
    average_supplier_user, average_supplier = create(2, "Fournisseur moyen", StructureKind.PRIVATE)
    big_recipient_user, big_recipient = create(3, "Ministère du banc d'essai", StructureKind.PUBLIC)
    average_recipient_user, average_recipient = create(4, "Commune moyenne", StructureKind.PUBLIC)
    for manager, structure, count in (
        (big_recipient_user, big_recipient, BIG_RECIPIENT_SERVICES),
        (average_recipient_user, average_recipient, AVERAGE_RECIPIENT_SERVICES),
    ):
        for k in range(count):
            services.create_service(
                actor=manager, structure_id=structure.pk, code=f"SERVICE{k:02d}", libelle=f"Service {k}"
            )
    # A plain user of the big recipient attached to one service: the service-scoped list path.
    service = StructureService.objects.filter(structure=big_recipient).order_by("code").first()
    service_user = _create_user("utilisateur-service@banc.example")
    services.attach_user(
        actor=big_recipient_user,
        structure_id=big_recipient.pk,
        user=service_user,
        role=Role.USER,
        service_ids=[service.pk],
    )
    subscription = services.request_subscription(
        user=service_user,
        structure_id=big_recipient.pk,
        space=Space.FACTURES_RECUES,
        mode=SubscriptionMode.MODIFICATION,
    )
    services.decide_subscription(
        actor=big_recipient_user,
        structure_id=big_recipient.pk,
        subscription_id=subscription.pk,
        approve=True,
    )
    assert permissions.service_scope(service_user, big_recipient) == [service]
    assert permissions.space_mode(service_user, big_recipient, Space.FACTURES_RECUES) == "MODIFICATION"

    suppliers = max(args.structures // 2, 2)
    recipients = max(args.structures - suppliers, 2)
    with connection.cursor() as cursor:
        for kind, count, offset, label in (
            (StructureKind.PRIVATE, suppliers - 2, 10_000_000, "Fournisseur"),
            (StructureKind.PUBLIC, recipients - 2, 20_000_000, "Collectivité"),
        ):
            _insert_select(
                cursor,
                Structure,
                {
                    "identifier": f"lpad(({offset} + g)::text, 14, '0')",
                    "raison_sociale": f"'{label} ' || g",
                    "kind": _code(kind),
                    "code_postal": "lpad((1000 + mod(g * 37, 94000))::text, 5, '0')",
                    "ville": "'Ville ' || mod(g, 500)",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"generate_series(1, {int(count)}) AS g",
            )
        # Lookup tables n → structure: n = 0 is the big one, n = 1 the average one.
        cursor.execute("CREATE TEMP TABLE bench_supplier (n int PRIMARY KEY, id bigint NOT NULL)")
        cursor.execute(
            "INSERT INTO bench_supplier VALUES (0, %s), (1, %s)", [big_supplier.pk, average_supplier.pk]
        )
        cursor.execute(
            "INSERT INTO bench_supplier SELECT 1 + row_number() OVER (ORDER BY id), id "
            "FROM structures_structure WHERE kind = %s AND id NOT IN (%s, %s)",
            [StructureKind.PRIVATE, big_supplier.pk, average_supplier.pk],
        )
        cursor.execute("CREATE TEMP TABLE bench_recipient (n int PRIMARY KEY, id bigint NOT NULL)")
        cursor.execute(
            "INSERT INTO bench_recipient VALUES (0, %s), (1, %s)", [big_recipient.pk, average_recipient.pk]
        )
        cursor.execute(
            "INSERT INTO bench_recipient SELECT 1 + row_number() OVER (ORDER BY id), id "
            "FROM structures_structure WHERE kind = %s AND id NOT IN (%s, %s)",
            [StructureKind.PUBLIC, big_recipient.pk, average_recipient.pk],
        )
        # One recipient in three has services (one to six), as communes and ministries do.
        _insert_select(
            cursor,
            StructureService,
            {
                "structure_id": "r.id",
                "code": "'SERVICE' || lpad(k::text, 2, '0')",
                "libelle": "'Service ' || k",
                "created_at": "now()",
            },
            "bench_recipient AS r CROSS JOIN LATERAL generate_series(1, 1 + mod(r.n, 6)) AS k "
            "WHERE r.n >= 2 AND mod(r.n, 3) = 0",
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_service AS SELECT structure_id AS recipient_id, "
            "(row_number() OVER (PARTITION BY structure_id ORDER BY id) - 1)::int AS k, id "
            "FROM structures_structureservice"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_service_count AS "
            "SELECT recipient_id, count(*)::int AS services FROM bench_service GROUP BY recipient_id"
        )
    return {
        "suppliers": suppliers,
        "recipients": recipients,
        "author": big_supplier_user,
        "actors": [
            Actor("F1 gros fournisseur", "supplier", big_supplier_user, big_supplier),
            Actor("F2 fournisseur moyen", "supplier", average_supplier_user, average_supplier),
            Actor("D1 gros destinataire", "recipient", big_recipient_user, big_recipient),
            Actor("D1 utilisateur 1 service", "recipient", service_user, big_recipient),
            Actor("D2 destinataire moyen", "recipient", average_recipient_user, average_recipient),
        ],
    }


def _fill_invoices(count: int, suppliers: int, recipients: int, author) -> None:
    """One INSERT … SELECT: status by weight, dates by status, supplier and recipient by share,
    a service of the recipient when it has some; rows in creation order, as a live table is."""
    from django.db import connection

    from invoices import workflow
    from invoices.enums import DepositMode, InvoiceStatus, InvoiceType, PaymentMode
    from invoices.models import Invoice

    mandated = {
        InvoiceStatus.MANDATED,
        InvoiceStatus.SENT_TO_ACCOUNTANT,
        InvoiceStatus.ACCOUNTED,
        InvoiceStatus.PAID,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_status (status text, lo float8, hi float8, min_age int, "
            "max_age int, stage int, returned bool, mandated bool)"
        )
        rows, cumulative = [], 0
        for status, weight, min_age, max_age, stage in _status_mix():
            rows.append(
                (
                    str(status),
                    cumulative / 100,
                    (cumulative + weight) / 100,
                    min_age,
                    max_age,
                    stage,
                    status in workflow.RETURNED_TO_SUPPLIER,
                    status in mandated,
                )
            )
            cumulative += weight
        assert cumulative == 100
        cursor.executemany("INSERT INTO bench_status VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
        cursor.execute("SELECT setseed(0.42)")
        big_s, big_r = BIG_SUPPLIER_SHARE, BIG_RECIPIENT_SHARE
        source = f"""(
            SELECT b.*,
                CASE b.stage WHEN {DRAFT} THEN b.created_at WHEN {DEPOSITED} THEN b.deposited_at
                    WHEN {AVAILABLE} THEN b.made_available_at
                    ELSE b.made_available_at + b.r_time * (now() - b.made_available_at) END AS changed_at
            FROM (
                SELECT a.*,
                    CASE WHEN a.stage >= {AVAILABLE}
                        THEN least(
                            now(), a.deposited_at + interval '10 minutes' + a.r_time * interval '3 hours'
                        )
                    END AS made_available_at,
                    CASE WHEN a.stage = {DRAFT}
                        THEN least(now(), a.invoice_date + interval '9 hours' + a.r_time * interval '8 hours')
                        ELSE a.deposited_at - interval '5 minutes' END AS created_at
                FROM (
                    SELECT d.*, st.status, st.stage, st.returned, st.mandated, s.id AS supplier_id,
                        r.id AS recipient_id, sv.id AS service_id, inv.invoice_date,
                        CASE WHEN st.stage > {DRAFT} THEN least(
                            now() - interval '1 minute',
                            inv.invoice_date + interval '8 hours' + d.r_time * interval '2 days'
                        ) END AS deposited_at,
                        round((5 + 25000 * power(d.r_amount, 3))::numeric, 2) AS ht
                    FROM (
                        SELECT g, random() AS r_status, random() AS r_supplier, random() AS r_recipient,
                            random() AS r_service, random() AS r_age, random() AS r_amount,
                            random() AS r_time, random() AS r_misc, random() AS r_flag
                        FROM generate_series(1, {int(count)}) AS g
                    ) AS d
                    JOIN bench_status AS st ON d.r_status >= st.lo AND d.r_status < st.hi
                    CROSS JOIN LATERAL (
                        SELECT current_date - (
                            st.min_age + floor(d.r_age * (st.max_age - st.min_age + 1))
                        )::int AS invoice_date
                    ) AS inv
                    JOIN bench_supplier AS s ON s.n = CASE WHEN d.r_supplier < {big_s} THEN 0
                        ELSE 1 + floor((d.r_supplier - {big_s}) / {1 - big_s} * {suppliers - 1})::int END
                    JOIN bench_recipient AS r ON r.n = CASE WHEN d.r_recipient < {big_r} THEN 0
                        ELSE 1 + floor((d.r_recipient - {big_r}) / {1 - big_r} * {recipients - 1})::int END
                    LEFT JOIN bench_service_count AS sc ON sc.recipient_id = r.id
                    LEFT JOIN bench_service AS sv ON sv.recipient_id = r.id
                        AND d.r_service < 0.9 AND sv.k = floor(d.r_service / 0.9 * sc.services)::int
                ) AS a
            ) AS b
        ) AS x ORDER BY x.created_at"""  # noqa: S608 - constants and integers computed here
        by_mode = {0: DepositMode.ENTRY, 1: DepositMode.PDF, 2: DepositMode.STRUCTURED}
        # A million rows go in several times faster without the dozen secondary indexes to keep up
        # row by row and without the deferred foreign-key checks (every id comes from a join on the
        # referenced table): the indexes are rebuilt with their exact definitions afterwards.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index AS i "
            "WHERE i.indrelid = 'invoices_invoice'::regclass "
            "AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)"
        )
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f"DROP INDEX {index_name}")
        cursor.execute("SET session_replication_role = replica")
        inserted = _insert_select(
            cursor,
            Invoice,
            {
                "status": "x.status",
                "status_changed_at": "x.changed_at",
                "supplier_id": "x.supplier_id",
                "recipient_id": "x.recipient_id",
                "recipient_service_id": "x.service_id",
                "invoice_type": f"CASE WHEN x.r_misc > 0.96 THEN {_code(InvoiceType.CREDIT_NOTE)} "
                f"ELSE {_code(InvoiceType.INVOICE)} END",
                "number": "'FA' || to_char(x.invoice_date, 'YYYY') || '-' || lpad(x.g::text, 8, '0')",
                "invoice_date": "x.invoice_date",
                "due_date": "x.invoice_date + 30",
                "payment_mode": _code(PaymentMode.TRANSFER),
                "contract_number": "CASE WHEN x.r_flag < 0.3 THEN 'MARCHE-' || mod(x.g, 997) ELSE '' END",
                "numero_engagement": "CASE WHEN x.r_flag < 0.6 "
                "THEN 'EJ' || lpad(floor(x.r_misc * 10000000)::text, 8, '0') ELSE '' END",
                "total_ht": "x.ht",
                "total_vat": "round(x.ht * 0.2, 2)",
                "total_ttc_before_discount": "x.ht + round(x.ht * 0.2, 2)",
                "total_ttc": "x.ht + round(x.ht * 0.2, 2)",
                "amount_due": "x.ht + round(x.ht * 0.2, 2)",
                "deposit_mode": "CASE mod(x.g, 3) "
                + " ".join(f"WHEN {k} THEN {_code(v)}" for k, v in by_mode.items())
                + " END",
                "deposited_at": "x.deposited_at",
                "made_available_at": "x.made_available_at",
                "downloaded_by_recipient": f"x.stage >= {AVAILABLE} AND x.r_flag < 0.5",
                "return_acknowledged": "x.returned AND x.r_misc < 0.6",
                "mandate_number": "CASE WHEN x.mandated THEN 'M' || x.g ELSE '' END",
                "created_by_id": str(int(author.pk)),
                "created_at": "x.created_at",
                "updated_at": "x.changed_at",
            },
            source,
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        assert inserted == count, (inserted, count)
        for _index_name, definition in indexes:
            cursor.execute(definition)


def _build(args) -> dict:
    from django.db import connection

    start = time.perf_counter()
    built = _create_structures(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM structures_structure")
        structures = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM structures_structureservice")
        services = cursor.fetchone()[0]
    _say(f"  {structures:,} structures, {services:,} services ({time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    _fill_invoices(args.invoices, built["suppliers"], built["recipients"], built["author"])
    _say(f"  {args.invoices:,} factures insérées ({time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum would have done on a live table: statistics and the visibility map
        # (index-only scans for the counts).
        cursor.execute("VACUUM (ANALYZE) invoices_invoice")
        cursor.execute("ANALYZE structures_structure")
        cursor.execute("ANALYZE structures_structureservice")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('invoices_invoice'))")
        size = cursor.fetchone()[0]
    _say(f"  VACUUM ANALYZE ({time.perf_counter() - start:.1f} s), table + index : {size}")
    return built


def _describe_data(actors) -> None:
    from django.db import connection
    from django.db.models import Count

    from invoices import selectors
    from invoices.models import Invoice

    rows = Invoice.objects.order_by().values("status").annotate(count=Count("pk")).order_by("-count")
    _say("  Statuts : " + ", ".join(f"{row['status']} {row['count']:,}" for row in rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(invoice_date), max(invoice_date), count(recipient_service_id) FROM invoices_invoice"
        )
        first, last, with_service = cursor.fetchone()
    _say(f"  Dates de facture du {first} au {last} ; {with_service:,} factures adressées à un service")
    for actor in actors:
        if actor.side == "supplier":
            total = selectors.issued_by(actor.structure).count()
            to_handle = selectors.supplier_to_handle(actor.structure).count()
            _say(f"  {actor.label} : {total:,} factures émises, {to_handle:,} à traiter")
        else:
            total = selectors.received_by(actor.structure, actor.user).count()
            to_handle = selectors.recipient_to_handle(actor.structure, actor.user).count()
            _say(f"  {actor.label} : {total:,} factures reçues visibles, {to_handle:,} à traiter")


# --- Pages --------------------------------------------------------------------------------------


@dataclass
class Page:
    actor: Actor
    name: str
    url: str
    rows: int | None = None
    queries: int | None = None
    sql_ms: float | None = None
    slowest: tuple[float, str] | None = None
    samples: list[float] = field(default_factory=list)
    body: dict | None = None  # a /cpro/ call: POSTed as JSON with the actor's API credentials

    @property
    def label(self) -> str:
        return f"{self.actor.label} — {self.name}"


def _pages(actors) -> list[Page]:
    """Synthèse, then Rechercher without and with typical criteria, for every actor."""
    from django.urls import reverse

    from invoices import selectors
    from invoices.enums import InvoiceStatus

    today = datetime.date.today()  # noqa: DTZ011 - a calendar month for the date-range criterion
    month_end = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1) - datetime.timedelta(
        days=1
    )
    month_start = month_end.replace(day=1)
    pages = []
    for actor in actors:
        if actor.side == "supplier":
            home, search = reverse("invoices:supplier_home"), reverse("invoices:supplier_search")
            latest = selectors.issued_by(actor.structure).order_by("-pk").first()
            statuses = [InvoiceStatus.PAID]
        else:
            home, search = reverse("invoices:recipient_home"), reverse("invoices:recipient_search")
            latest = selectors.received_by(actor.structure, actor.user).order_by("-pk").first()
            statuses = [InvoiceStatus.SERVICE_DONE, InvoiceStatus.MANDATED]
        # A user types the start of a number they have: the latest invoice's, less two digits.
        prefix = latest.number[:-2] if latest else "FA"
        variants = (
            ("Synthèse", home, None),
            ("Rechercher", search, None),
            ("Rechercher statut", search, {"statuses": statuses}),
            (f"Rechercher numéro {prefix}…", search, {"number": prefix}),
            (
                "Rechercher dépôt sur un mois",
                search,
                {"deposited_from": month_start.isoformat(), "deposited_to": month_end.isoformat()},
            ),
            ("Rechercher tri TTC décroissant", search, {"sort": "-montant_ttc"}),
            ("Rechercher page 5", search, {"page": 5}),
        )
        for name, path, query in variants:
            url = path + ("?" + urlencode(query, doseq=True) if query else "")
            pages.append(Page(actor, name, url))
    return pages


def _login(actors) -> None:
    from django.test import Client

    from structures.middleware import SESSION_KEY

    for actor in actors:
        actor.client = Client()
        actor.client.force_login(actor.user)
        session = actor.client.session
        session[SESSION_KEY] = actor.structure.pk
        session.save()


def _api_pages(actors) -> list[Page]:
    """The API searches (mode Service) of every manager actor, through the whole /cpro/ layer
    (token, technical account, call log): rechercher/fournisseur or rechercher/recipiendaire,
    without criteria, by status, by invoice number, and page 5 of 100."""
    from benchmarks.api import _software
    from invoices import selectors
    from invoices.enums import InvoiceStatus
    from structures import permissions

    pages = []
    for number, actor in enumerate(actors):
        if not permissions.is_manager(actor.user, actor.structure):
            continue
        actor.structure.gp = actor.user
        actor.api_headers = _software(actor.client, actor.structure, f"banc.api{number}@example.org")
        if actor.side == "supplier":
            path, paging = "factures/v1/rechercher/fournisseur", "rechercheFactureParFournisseur"
            latest = selectors.sent_by(actor.structure).order_by("-pk").first()
            status = InvoiceStatus.PAID
        else:
            path, paging = "factures/v1/rechercher/recipiendaire", "paramRecherche"
            latest = selectors.received_by(actor.structure).order_by("-pk").first()
            status = InvoiceStatus.MANDATED
        for name, body in (
            ("API sans critère", {}),
            ("API statut", {"statutCourant": [status]}),
            ("API numéro", {"numeroFacture": latest.number if latest else "FA"}),
            ("API page 5 de 100", {paging: {"nbResultatsParPage": 100, "pageResultatDemandee": 5}}),
        ):
            pages.append(Page(actor, f"{name} ({path.rsplit('/', 1)[-1]})", f"/cpro/{path}", body=body))
    return pages


def _get(page: Page):
    if page.body is not None:
        response = page.actor.client.post(
            page.url, json.dumps(page.body), content_type="application/json", **page.actor.api_headers
        )
        if response.status_code != 200 or response.json().get("codeRetour") not in (0, 20000):
            raise RuntimeError(f"{page.label}: HTTP {response.status_code} {response.content[:200]!r}")
        return response
    response = page.actor.client.get(page.url)
    if response.status_code != 200:
        raise RuntimeError(f"{page.label}: HTTP {response.status_code} on {page.url}")
    return response


def _inspect(pages, *, explain: bool, explain_ms: float) -> None:
    """One request per page with the queries captured (and the test environment's template
    instrumentation, for the row count): kept apart from the timed requests, which run with
    neither."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        for page in pages:
            with CaptureQueriesContext(connection) as captured:
                response = _get(page)
            context = response.context
            page.rows = context["page_obj"].paginator.count if context and "page_obj" in context else None
            if page.body is not None:
                page.rows = response.json()["parametresRetour"]["total"]
            times = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
            page.queries = len(times)
            page.sql_ms = sum(ms for ms, _sql in times)
            page.slowest = max(times) if times else None
            if explain:
                for ms, sql in times:
                    if ms >= explain_ms and sql.lstrip().upper().startswith("SELECT"):
                        _explain(page, ms, sql)
    finally:
        teardown_test_environment()


def _explain(page: Page, ms: float, sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join("    " + row[0] for row in cursor.fetchall())
    _say(f"\n  -- {page.label} ({ms:.1f} ms)\n  {sql}\n{plan}")


def _time(pages, runs: int) -> None:
    for number, page in enumerate(pages, 1):
        for _ in range(WARM_UP_REQUESTS):
            _get(page)
        page.samples = []
        began = time.perf_counter()
        for _ in range(runs):
            start = time.perf_counter()
            _get(page)
            page.samples.append((time.perf_counter() - start) * 1000)
            if len(page.samples) >= MIN_RUNS and time.perf_counter() - began > MAX_SECONDS_PER_PAGE:
                break
        _p50, p95, _worst = _percentiles(page.samples)
        _say(f"  [{number:2d}/{len(pages)}] {page.label:<62} p95 {p95:8.1f} ms")


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    # Nearest-rank p95: with 40 samples, the 38th.
    rank = max(1, -(-len(ordered) * 95 // 100))
    return statistics.median(ordered), ordered[rank - 1], ordered[-1]


def _time_csv(actor: Actor) -> None:
    """A big supplier's CSV export of every invoice (no criteria): rows per second, no target."""
    from django.urls import reverse

    start = time.perf_counter()
    response = actor.client.get(reverse("invoices:supplier_search") + "?format=csv")
    if response.status_code != 200:
        raise RuntimeError(f"CSV export: HTTP {response.status_code}")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    response.close()
    seconds = time.perf_counter() - start
    rows = lines - 1
    _say(
        f"\nExport CSV de {actor.label} : {rows:,} lignes en {seconds:.1f} s ({rows / seconds:,.0f} lignes/s)"
    )


# --- Report -------------------------------------------------------------------------------------


def _mark(p95: float) -> str:
    return "ok" if p95 <= TARGET_MS else "LENT"


def _report(title: str, pages) -> None:
    _say(f"\n{title}")
    _say(f"  {'Page':<62} {'lignes':>8} {'req.':>4} {'SQL ms':>7} {'n':>3} {'p50':>7} {'p95':>7} {'max':>7}")
    for page in pages:
        p50, p95, worst = _percentiles(page.samples)
        rows = f"{page.rows:,}" if page.rows is not None else "—"
        _say(
            f"  {page.label:<62} {rows:>8} {page.queries:>4} {page.sql_ms:>7.1f} {len(page.samples):>3} "
            f"{p50:>7.1f} {p95:>7.1f} {worst:>7.1f}  {_mark(p95)}"
        )
    slow = [page for page in pages if page.slowest and page.slowest[0] >= 10]
    if slow:
        _say("  Requête la plus lente des pages où elle dépasse 10 ms :")
        for page in slow:
            ms, sql = page.slowest
            _say(f"    {page.label} : {ms:.1f} ms — {_shorten(sql)}")


def _shorten(sql: str) -> str:
    """The statement without its select list, which is the same long column list everywhere."""
    _columns, _from, rest = sql.partition(" FROM ")
    return ("… FROM " + rest if rest else sql)[:220] + "…"


def _phase(title: str, pages, actors, args, *, csv: bool = True) -> None:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    _say(f"\n{title} : requêtes SQL de chaque page… (charge de la machine : {load})")
    _inspect(pages, explain=args.explain, explain_ms=args.explain_ms)
    _say(
        f"{title} : jusqu'à {args.runs} requêtes chronométrées par page "
        f"(après {WARM_UP_REQUESTS} d'échauffement)"
    )
    _time(pages, args.runs)
    _report(f"{title} (objectif p95 ≤ {TARGET_MS:.0f} ms)", pages)
    if csv:
        _time_csv(actors[0])


# --- Database -----------------------------------------------------------------------------------


def _create_database(name: str) -> None:
    from django.db import connection

    if name in PROTECTED_DATABASES or not name.startswith("bench_"):
        raise RuntimeError(f"refusing to use the database {name!r}")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if connection.settings_dict["NAME"] != name:
        raise RuntimeError(f"expected to be connected to {name}, not {connection.settings_dict['NAME']}")


def _drop_database(name: str) -> None:
    """Drops by its own name (never the settings' NAME, which is the real database until the
    creation has switched it) and WITH (FORCE), in case a cancelled query still holds it."""
    from django.db import connection

    if name in PROTECTED_DATABASES or not name.startswith("bench_"):
        raise RuntimeError(f"refusing to drop the database {name!r}")
    # A second Ctrl-C must not leave the database behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # A connection broken by the interruption is gone anyway.
    with contextlib.suppress(Exception):
        connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--structures", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the slow queries")
    parser.add_argument("--explain-ms", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.invoices < 1 or args.structures < 8 or args.runs < 1:
        parser.error("--invoices ≥ 1, --structures ≥ 8, --runs ≥ 1")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/choruspro")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        _say(
            f"Ce banc d'essai mesure PostgreSQL, pas {connection.vendor} : définissez "
            "DATABASE_URL=postgres://utilisateur@hôte:5432/base (la base nommée n'est pas modifiée)."
        )
        return 2
    name = f"bench_lists_{os.getpid()}"
    # Ctrl-C and SIGTERM both end in the `finally` that drops the database, even when a shell
    # started this process with SIGINT ignored (in the background, under nohup).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    _say(f"Base jetable {name} sur {connection.settings_dict['HOST'] or 'localhost'}, {os.cpu_count()} cœurs")
    try:
        start = time.perf_counter()
        _create_database(name)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        _say(f"  PostgreSQL {version}, migrations appliquées ({time.perf_counter() - start:.1f} s)")
        built = _build(args)
        actors = built["actors"]
        _describe_data(actors)
        _login(actors)
        pages = _pages(actors)
        _phase("Schéma actuel", pages, actors, args)
        api_pages = _api_pages(actors)
        _phase("API", api_pages, actors, args, csv=False)
    except KeyboardInterrupt:
        _say("\nInterrompu.")
        return 130
    finally:
        _drop_database(name)
        _say(f"Base {name} supprimée.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
