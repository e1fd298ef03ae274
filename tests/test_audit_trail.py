"""The piste d'audit fiable: history rows are chained by SHA-256, the database refuses to rewrite
them (PostgreSQL), verify_audit_trail finds the first broken link, the invoice page says whether
the invoice's histories are intact."""

import contextlib
import threading

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone

from api import services as api_services
from api.enums import UsageType
from api.models import ApiAuditLog
from choruspro import history
from deposits.enums import DepositFormat, DepositKind
from deposits.models import DepositStatusChange
from deposits.services import create_deposit
from invoices.models import Invoice, InvoiceEvent, InvoiceStatusChange, InvoiceUserAction
from solicitations.models import SolicitationExchange
from structures.enums import AuditAction
from structures.models import AuditLog
from tests.api.conftest import open_raccordement
from tests.conftest import require_or_skip
from tests.deposits.conftest import upload
from tests.solicitations.conftest import ask_about
from tests.works.conftest import deposit_projet, make_gym, new_party
from works.models import DossierEvent

pytestmark = pytest.mark.django_db

CHAINED = [
    InvoiceStatusChange,
    InvoiceUserAction,
    InvoiceEvent,
    AuditLog,
    DepositStatusChange,
    SolicitationExchange,
    ApiAuditLog,
    DossierEvent,
]


@pytest.fixture
def histories(make_invoice, supplier, structured_invoice, make_structure, django_capture_on_commit_callbacks):
    """Rows in each of the chained histories: a sent invoice, a processed deposit, audited
    structures, a sollicitation's thread, a works dossier, an API connection."""
    invoice = make_invoice()
    with django_capture_on_commit_callbacks(execute=True):
        deposit = create_deposit(
            actor=supplier.gp,
            structure=supplier,
            kind=DepositKind.UNIT,
            declared_format=DepositFormat.MIXED,
            cadre="A1_FACTURE_FOURNISSEUR",
            validator=None,
            upload=upload("FX-1.pdf", structured_invoice("FX-1")),
        )
        ask_about(invoice, supplier)
        deposit_projet(make_gym(lambda **kwargs: new_party(make_structure, **kwargs)))
    open_raccordement(supplier)
    api_services.declare_connection(
        actor=supplier.gp,
        structure=supplier,
        name="ERP",
        usage_type=UsageType.ISSUE,
        contact_name="Service informatique",
        contact_email="si@example.org",
    )
    for model in CHAINED:
        assert model.objects.exists(), model
    return invoice, deposit


@contextlib.contextmanager
def tampering(model):
    """What an operator with database access could do: on PostgreSQL, past the trigger."""
    if connection.vendor == "postgresql":
        with pgtrigger.ignore(f"{model._meta.label}:append_only"):
            yield
    else:
        yield


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_command():
    """(exit code, output) of verify_audit_trail."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit_trail", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_every_history_is_chained_over_all_its_fields():
    """A field added to a history without being hashed would escape the piste d'audit."""
    assert set(history.chained_models()) == set(CHAINED)
    for model in CHAINED:
        fields = {f.name for f in model._meta.concrete_fields}
        assert fields - {"id", "previous_hash", "row_hash"} == set(model.hashed_fields), model


@pytest.mark.documents  # the generated original and its event
def test_each_row_hashes_its_content_and_the_previous_row(histories):
    invoice, deposit = histories
    for model, chain in [
        (InvoiceStatusChange, {"invoice": invoice}),
        (InvoiceUserAction, {"invoice": invoice}),
        (InvoiceEvent, {"invoice": invoice}),
        (DepositStatusChange, {"deposit": deposit}),
        (AuditLog, {"structure": invoice.supplier}),
    ]:
        rows = list(model.objects.filter(**chain).order_by("pk"))
        assert len(rows) >= 2, model
        previous = history.GENESIS_HASH
        for row in rows:
            assert row.previous_hash == previous
            assert row.row_hash == history.chain_hash(row.hashed_content(), previous)
            previous = row.row_hash
    # The rows read back from the database still match: nothing is lost between Python and SQL.
    for model in CHAINED:
        report = history.verify(model)
        assert report.breaks == [] and report.rows == model.objects.count(), model


def test_chains_are_separate_per_invoice(make_invoice):
    first, second = make_invoice(), make_invoice()
    for invoice in (first, second):
        assert invoice.status_changes.order_by("pk").first().previous_hash == history.GENESIS_HASH
    assert history.verify(InvoiceStatusChange).chains == 2


def test_history_rows_cannot_be_saved_again_or_deleted(histories):
    for model in CHAINED:
        row = model.objects.first()
        with pytest.raises(ValueError):
            row.save()
        with pytest.raises(ValueError):
            row.delete()
        with pytest.raises(TypeError):
            model.objects.bulk_create([model()])


def test_changed_content_is_reported_at_its_row(histories):
    invoice, _ = histories
    changes = list(invoice.status_changes.order_by("pk"))
    table = InvoiceStatusChange._meta.db_table
    with tampering(InvoiceStatusChange):
        raw(f"UPDATE {table} SET reason = %s WHERE id = %s", ["réécrit", changes[1].pk])
    [link] = history.verify(InvoiceStatusChange).breaks
    assert (link.chain, link.row_id, link.kind) == (invoice.pk, changes[1].pk, history.BreakKind.CONTENT)
    assert link.created_at == changes[1].created_at


@pytest.mark.documents  # the generated original and its event
def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(histories):
    invoice, _ = histories
    events = list(invoice.events.order_by("pk"))
    forged = history.chain_hash({**events[0].hashed_content(), "label": "faux"}, events[0].previous_hash)
    with tampering(InvoiceEvent):
        raw(
            f"UPDATE {InvoiceEvent._meta.db_table} SET label = %s, row_hash = %s WHERE id = %s",
            ["faux", forged, events[0].pk],
        )
    [link] = history.verify(InvoiceEvent).breaks
    assert (link.row_id, link.kind) == (events[1].pk, history.BreakKind.MISSING)


def test_deleted_rows_are_reported(histories):
    invoice, _ = histories
    changes = list(invoice.status_changes.order_by("pk"))
    assert len(changes) >= 3
    table = InvoiceStatusChange._meta.db_table
    with tampering(InvoiceStatusChange):
        raw(f"DELETE FROM {table} WHERE id = %s", [changes[1].pk])
    [link] = history.verify(InvoiceStatusChange).breaks
    assert (link.row_id, link.kind) == (changes[2].pk, history.BreakKind.MISSING)
    with tampering(InvoiceStatusChange):
        raw(f"DELETE FROM {table} WHERE id = %s", [changes[0].pk])
    [link] = history.verify(InvoiceStatusChange).breaks
    assert (link.row_id, link.kind) == (changes[2].pk, history.BreakKind.START)


def test_reordered_rows_are_reported(histories):
    """Two rows swapped whole, hashes included: each matches its content, not its place."""
    _, deposit = histories
    changes = list(deposit.status_changes.order_by("pk"))
    first, second = changes[0], changes[1]
    table = DepositStatusChange._meta.db_table
    columns = ["from_status", "to_status", "note", "created_at", "previous_hash", "row_hash"]
    sets = ", ".join(f"{c} = %s" for c in columns)
    with tampering(DepositStatusChange):
        for row, other in ((first, second), (second, first)):
            raw(f"UPDATE {table} SET {sets} WHERE id = %s", [*(getattr(other, c) for c in columns), row.pk])
    [link] = history.verify(DepositStatusChange).breaks
    assert (link.row_id, link.kind) == (first.pk, history.BreakKind.ORDER)


def test_a_row_moved_to_another_chain_is_reported(histories, make_invoice):
    invoice, _ = histories
    other = make_invoice()
    row = invoice.status_changes.order_by("pk").last()
    with tampering(InvoiceStatusChange):
        raw(
            f"UPDATE {InvoiceStatusChange._meta.db_table} SET invoice_id = %s WHERE id = %s",
            [other.pk, row.pk],
        )
    assert {link.kind for link in history.verify(InvoiceStatusChange).breaks} == {history.BreakKind.CONTENT}


def test_command_reports_intact_chains(histories):
    code, output = run_command()
    assert code == 0
    for model in CHAINED:
        report = history.verify(model)
        assert (
            f"{model._meta.label} ({model._meta.verbose_name_plural}) : {report.chains} chaîne(s), " in output
        )
    assert output.rstrip().endswith("ligne(s) vérifiées.")
    assert "Piste d'audit intègre" in output and "ROMPUE" not in output


def test_command_reports_the_first_broken_link_and_exits_with_1(histories):
    _, deposit = histories
    structure = deposit.structure
    logs = list(AuditLog.objects.filter(structure=structure).order_by("pk"))
    with tampering(AuditLog):
        raw(f"UPDATE {AuditLog._meta.db_table} SET description = %s WHERE id = %s", ["x", logs[0].pk])
        raw(f"UPDATE {AuditLog._meta.db_table} SET description = %s WHERE id = %s", ["y", logs[1].pk])
    code, output = run_command()
    assert code == 1
    assert "structures.AuditLog (historique des actions) : " in output
    assert "— ROMPUE (1 chaîne(s))" in output
    assert f"  chaîne structure_id={structure.pk} : ligne {logs[0].pk} du " in output
    assert "contenu modifié depuis son écriture" in output
    assert f"ligne {logs[1].pk} " not in output  # only the first broken link of a chain
    assert "Piste d'audit rompue : 1 chaîne(s) sur " in output


def test_rechain_computes_the_chain_of_rows_written_before_it(histories):
    """What the data migrations do for existing rows."""
    expected = dict(AuditLog.objects.values_list("pk", "row_hash"))
    with tampering(AuditLog):
        raw(f"UPDATE {AuditLog._meta.db_table} SET previous_hash = '', row_hash = ''")
        assert history.verify(AuditLog).breaks
        count = history.rechain(
            AuditLog, chain_attname=AuditLog.chain_attname(), hashed_attnames=AuditLog.hashed_attnames()
        )
    assert count == len(expected)
    assert dict(AuditLog.objects.values_list("pk", "row_hash")) == expected


class TestInvoicePage:
    def test_intact_trail_is_shown_to_supplier_and_recipient(self, client, make_invoice, supplier, recipient):
        invoice = make_invoice()
        for user, url in (
            (supplier.gp, f"/factures-emises/{invoice.pk}/"),
            (recipient.gp, f"/factures-recues/{invoice.pk}/"),
        ):
            client.force_login(user)
            content = client.get(url).content.decode()
            assert "Piste d'audit : intègre" in content, url

    def test_broken_trail_names_the_row_date(self, client, make_invoice, supplier, recipient):
        invoice = make_invoice()
        change = invoice.status_changes.order_by("pk").first()
        with tampering(InvoiceStatusChange):
            raw(f"UPDATE {InvoiceStatusChange._meta.db_table} SET reason = 'x' WHERE id = %s", [change.pk])
        date = timezone.localtime(change.created_at)
        expected = f"Piste d'audit : rompue à la ligne du {date:%d/%m/%Y %H:%M:%S}"
        for user, url in (
            (supplier.gp, f"/factures-emises/{invoice.pk}/"),
            (recipient.gp, f"/factures-recues/{invoice.pk}/"),
        ):
            client.force_login(user)
            content = client.get(url).content.decode()
            assert expected in content and "(historique des statuts)" in content, url
            assert "audit : intègre" not in content

    def test_another_invoice_broken_trail_does_not_show(self, client, make_invoice, supplier):
        invoice, other = make_invoice(), make_invoice()
        with tampering(InvoiceEvent):
            raw(f"DELETE FROM {InvoiceEvent._meta.db_table} WHERE invoice_id = %s", [other.pk])
            raw(f"UPDATE {InvoiceEvent._meta.db_table} SET who = 'x' WHERE invoice_id = %s", [other.pk])
        client.force_login(supplier.gp)
        assert "Piste d'audit : intègre" in client.get(f"/factures-emises/{invoice.pk}/").content.decode()


# --- PostgreSQL: the database itself refuses ---------------------------------------------------------


@pytest.fixture
def postgresql():
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")


def _refused(statement):
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        statement()


@pytest.mark.parametrize("model", CHAINED, ids=lambda m: m.__name__)
def test_postgresql_refuses_update_and_delete(postgresql, histories, model):
    # Nothing may point to the row (its notifications go), so that Django's PROTECT checks do not
    # answer before the database.
    row = model.objects.order_by("pk").first()
    for relation in model._meta.related_objects:
        if relation.on_delete is models.PROTECT:
            relation.related_model.objects.filter(**{relation.field.name: row}).delete()
    table, rows = model._meta.db_table, model.objects.filter(pk=row.pk)
    _refused(lambda: rows.update(row_hash="0" * 64))
    _refused(lambda: rows.delete())
    _refused(lambda: raw(f"UPDATE {table} SET created_at = now() WHERE id = %s", [row.pk]))
    _refused(lambda: raw(f"DELETE FROM {table} WHERE id = %s", [row.pk]))
    assert model.objects.get(pk=row.pk).row_hash == row.row_hash
    assert history.verify(model).breaks == []


LABELS = ("premier", "second")


def _invoice_event(invoice, label):
    # As every invoice service does before writing: the invoice's row lock orders its chains.
    Invoice.objects.select_for_update().get(pk=invoice.pk)
    InvoiceEvent.objects.create(invoice_id=invoice.pk, label=label)


def _portal_audit_log(invoice, label):
    # No parent row to lock (no structure): the chain's advisory lock orders it.
    AuditLog.objects.create(structure=None, action=AuditAction.STRUCTURE_CREATED, description=label)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "write_row, rows_of, label_of",
    [
        (
            _invoice_event,
            lambda invoice: InvoiceEvent.objects.filter(invoice=invoice, label__in=LABELS),
            lambda row: row.label,
        ),
        (
            _portal_audit_log,
            lambda invoice: AuditLog.objects.filter(structure=None, description__in=LABELS),
            lambda row: row.description,
        ),
    ],
    ids=["invoice-lock", "advisory-lock"],
)
def test_concurrent_writers_of_one_chain_chain_one_after_the_other(
    postgresql, make_invoice, write_row, rows_of, label_of
):
    """The second writer waits for the first one's commit, then chains onto its row (and the
    truncation that ends a transactional test is not refused by the triggers)."""
    invoice = make_invoice(send=False)
    first_written, release = threading.Event(), threading.Event()

    def write(label, *, before=None, after=None):
        try:
            if before:
                assert before.wait(10)
            with transaction.atomic():
                write_row(invoice, label)
                if after:
                    after.set()
                    assert release.wait(10)
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=(LABELS[0],), kwargs={"after": first_written})
    second = threading.Thread(target=write, args=(LABELS[1],), kwargs={"before": first_written})
    first.start()
    second.start()
    assert first_written.wait(10)
    second.join(1)
    assert second.is_alive()  # waiting for the first writer's lock
    release.set()
    first.join(10)
    second.join(10)
    rows = list(rows_of(invoice).order_by("pk"))
    assert [label_of(row) for row in rows] == list(LABELS)
    assert rows[1].previous_hash == rows[0].row_hash
    assert history.verify(type(rows[0])).breaks == []


def test_rows_chained_together_match_rows_saved_one_by_one(make_invoice):
    """create_chained (one service call's status changes) links each row to the one before it,
    after the chain's existing rows, as successive saves do; it takes one chain only."""
    invoice, other = make_invoice(), make_invoice()
    existing = list(invoice.status_changes.order_by("pk"))
    rows = [
        InvoiceStatusChange(invoice=invoice, from_status="A", to_status="B", transition="t1"),
        InvoiceStatusChange(invoice=invoice, from_status="B", to_status="C", transition="t2"),
    ]
    created = InvoiceStatusChange.create_chained(rows)
    assert all(row.pk for row in created) and created[0].pk < created[1].pk
    assert created[0].previous_hash == existing[-1].row_hash
    assert created[1].previous_hash == created[0].row_hash
    assert history.verify(InvoiceStatusChange).breaks == []
    with pytest.raises(ValueError):
        InvoiceStatusChange.create_chained(
            [
                InvoiceStatusChange(invoice=invoice, to_status="B"),
                InvoiceStatusChange(invoice=other, to_status="B"),
            ]
        )
    with pytest.raises(ValueError):
        InvoiceStatusChange.create_chained(created)


def test_a_lot_invoice_s_automatic_statuses_each_have_their_chained_row(
    supplier, recipient, structured_invoice, django_capture_on_commit_callbacks
):
    """Sent and routed in one update of the invoice, each status still has its own history row,
    in order, chained, with who made it."""
    from tests.deposits.conftest import deposit, zip_of

    lot = zip_of({f"FX-{n}.xml": structured_invoice(f"FX-{n}", as_xml=True) for n in range(2)})
    made = deposit(
        supplier,
        "lot.zip",
        lot,
        kind=DepositKind.LOT,
        fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )
    assert made.status == "IN_INTEGRE"
    for item in made.items.all():
        changes = list(item.invoice.status_changes.order_by("pk"))
        assert [(c.from_status, c.to_status, c.transition) for c in changes] == [
            ("", "BROUILLON", "create"),
            ("BROUILLON", "DEPOSEE", "submit"),
            ("DEPOSEE", "EN_COURS_ACHEMINEMENT", "route"),
            ("EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION", "make_available"),
        ]
        assert [c.actor_id for c in changes] == [supplier.gp.pk, supplier.gp.pk, None, None]
        assert changes[-1].payload == {"to": recipient.raison_sociale}
        assert item.invoice.deposited_at and item.invoice.made_available_at
        assert changes[-1].notifications.exists()
    assert history.verify(InvoiceStatusChange).breaks == []
