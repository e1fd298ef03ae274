"""The three histories of an invoice (domain §1.6), checked row by row for every invoice service:
status changes (from, to, transition, actor, structure, reason, payload), user actions (kind,
actor) and events (label, who)."""

import datetime

import pytest

from invoices import services, workflow
from invoices.enums import AttachmentKind, InvoiceAction
from invoices.enums import InvoiceStatus as S
from invoices.workflow import InvalidTransition
from structures import services as structure_services
from tests.factories import PATHS, InvoiceFactory


def histories(invoice):
    return {
        "status": [
            (c.from_status, c.to_status, c.transition, c.actor, c.structure, c.reason, c.payload)
            for c in invoice.status_changes.order_by("pk")
        ],
        "actions": [(a.action, a.actor) for a in invoice.user_actions.order_by("pk")],
        "events": [(e.label, e.who) for e in invoice.events.order_by("pk")],
    }


def created(supplier):
    return ("", S.DRAFT, "create", supplier.gp, supplier, "", {})


def sent(supplier, recipient):
    """The status rows of an invoice entered, sent and routed to `recipient`."""
    return [
        created(supplier),
        (S.DRAFT, S.DEPOSITED, "submit", supplier.gp, supplier, "", {}),
        (S.DEPOSITED, S.ROUTING, "route", None, None, "", {}),
        (S.ROUTING, S.MADE_AVAILABLE, "make_available", None, None, "", {"to": recipient.raison_sociale}),
    ]


def test_saving_a_draft_then_saving_it_again(make_invoice, supplier):
    draft = make_invoice(send=False)
    assert histories(draft) == {
        "status": [created(supplier)],
        "actions": [(InvoiceAction.SAVE, supplier.gp)],
        "events": [],
    }
    services.save_draft(
        actor=supplier.gp,
        structure=supplier,
        invoice_id=draft.pk,
        data={"comment": "Chantier de la mairie"},
        lines=[{"designation": "Fenêtre", "quantity": "1", "unit_price": "10", "vat_rate": "20"}],
    )
    assert histories(draft) == {
        "status": [created(supplier)],
        "actions": [(InvoiceAction.SAVE, supplier.gp), (InvoiceAction.SAVE, supplier.gp)],
        "events": [],
    }


def test_submitting_writes_its_change_and_queues_the_original_and_the_routing(
    make_invoice, supplier, django_capture_on_commit_callbacks
):
    draft = make_invoice(send=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    assert histories(draft) == {
        "status": [created(supplier), (S.DRAFT, S.DEPOSITED, "submit", supplier.gp, supplier, "", {})],
        "actions": [(InvoiceAction.SAVE, supplier.gp), (InvoiceAction.SUBMIT, supplier.gp)],
        "events": [],
    }
    assert len(callbacks) == 2


@pytest.mark.documents
def test_a_sent_invoice_is_generated_then_routed_by_the_system(make_invoice, supplier, recipient):
    invoice = make_invoice()
    original = invoice.attachments.get(kind=AttachmentKind.PRINCIPAL)
    assert histories(invoice) == {
        "status": sent(supplier, recipient),
        "actions": [(InvoiceAction.SAVE, supplier.gp), (InvoiceAction.SUBMIT, supplier.gp)],
        "events": [
            (f"Document original Factur-X EN 16931 généré (SHA-256 {original.sha256})", "Portail"),
            ("Mise à disposition de Commune de Recevoir", "Portail"),
        ],
    }


def test_routing_again_writes_nothing(make_invoice):
    invoice = make_invoice()
    before = histories(invoice)
    services.route_invoice(invoice_id=invoice.pk)
    assert histories(invoice) == before


@pytest.mark.documents
def test_routing_to_a_service_names_the_service(make_invoice, recipient, supplier):
    service = structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="TECH", libelle="Services techniques"
    )
    invoice = make_invoice(recipient_service_id=service.pk)
    assert histories(invoice)["status"][-1] == (
        S.ROUTING,
        S.MADE_AVAILABLE,
        "make_available",
        None,
        None,
        "",
        {"to": "Services techniques"},
    )
    assert histories(invoice)["events"][-1] == ("Mise à disposition de Services techniques", "Portail")


def test_duplicating_traces_the_source_and_starts_a_new_draft(make_invoice, supplier, recipient):
    source = make_invoice()
    copy = services.duplicate_invoice(actor=supplier.gp, structure=supplier, invoice_id=source.pk)
    assert histories(source)["actions"] == [
        (InvoiceAction.SAVE, supplier.gp),
        (InvoiceAction.SUBMIT, supplier.gp),
        (InvoiceAction.DUPLICATE, supplier.gp),
    ]
    assert histories(source)["status"] == sent(supplier, recipient)
    assert histories(copy) == {
        "status": [created(supplier)],
        "actions": [(InvoiceAction.SAVE, supplier.gp)],
        "events": [],
    }


def test_deleting_a_draft(make_invoice, supplier):
    draft = make_invoice(send=False)
    services.delete_draft(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    assert histories(draft) == {
        "status": [created(supplier), (S.DRAFT, S.DELETED, "delete", supplier.gp, supplier, "", {})],
        "actions": [(InvoiceAction.SAVE, supplier.gp), (InvoiceAction.DELETE, supplier.gp)],
        "events": [],
    }


@pytest.mark.parametrize(
    ("transition", "target", "reason", "mandate_number"),
    [
        ("reject", S.REJECTED, "  Doublon de la facture F-1  ", ""),
        ("suspend", S.SUSPENDED, "Bon de livraison manquant", ""),
        ("to_recycle", S.TO_RECYCLE, "Mauvais service", ""),
        ("service_done", S.SERVICE_DONE, "", ""),
        ("mandate", S.MANDATED, "", "M-2026-7"),
        ("pay", S.PAID, "", ""),
    ],
)
def test_processing(make_invoice, supplier, recipient, transition, target, reason, mandate_number):
    invoice = make_invoice()
    before = histories(invoice)
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition=transition,
        reason=reason,
        mandate_number=mandate_number,
    )
    payload = {"mandate_number": mandate_number} if mandate_number else {}
    assert histories(invoice) == {
        "status": [
            *before["status"],
            (S.MADE_AVAILABLE, target, transition, recipient.gp, recipient, reason.strip(), payload),
        ],
        "actions": [*before["actions"], (InvoiceAction.PROCESS, recipient.gp)],
        "events": before["events"],
    }


def test_batch_processing_traces_only_what_was_done(make_invoice, recipient):
    done, paid = make_invoice(), make_invoice()
    services.process_invoice(actor=recipient.gp, structure=recipient, invoice_id=paid.pk, transition="pay")
    before = histories(paid)
    outcome = services.process_invoices(
        actor=recipient.gp, structure=recipient, invoice_ids=[done.pk, paid.pk], transition="service_done"
    )
    assert outcome.done == [done.number]
    assert histories(paid) == before
    assert histories(done)["status"][-1] == (
        S.MADE_AVAILABLE,
        S.SERVICE_DONE,
        "service_done",
        recipient.gp,
        recipient,
        "",
        {},
    )
    assert histories(done)["actions"][-1] == (InvoiceAction.PROCESS, recipient.gp)


def test_a_refused_transition_writes_nothing(make_invoice, recipient):
    invoice = make_invoice()
    services.process_invoice(actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="pay")
    before = histories(invoice)
    with pytest.raises(InvalidTransition):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Non"
        )
    assert histories(invoice) == before


def test_recycling_sends_the_invoice_again(
    make_invoice, supplier, recipient, make_structure, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="to_recycle",
        reason="Mauvais destinataire",
    )
    other = make_structure(public=True, raison_sociale="Commune de Recyclage")
    with django_capture_on_commit_callbacks(execute=True):
        services.recycle_invoice(
            actor=supplier.gp,
            structure=supplier,
            invoice_id=invoice.pk,
            recipient=other,
            recipient_service=None,
            numero_engagement="",
            comment=" Destinataire corrigé ",
        )
    history = histories(invoice)
    assert history["status"][4:] == [
        (S.MADE_AVAILABLE, S.TO_RECYCLE, "to_recycle", recipient.gp, recipient, "Mauvais destinataire", {}),
        (S.TO_RECYCLE, S.DEPOSITED, "recycle", supplier.gp, supplier, "Destinataire corrigé", {}),
        (S.DEPOSITED, S.ROUTING, "route", None, None, "", {}),
        (S.ROUTING, S.MADE_AVAILABLE, "make_available", None, None, "", {"to": "Commune de Recyclage"}),
    ]
    assert history["actions"][2:] == [
        (InvoiceAction.PROCESS, recipient.gp),
        (InvoiceAction.RECYCLE, supplier.gp),
    ]
    assert history["events"][-1] == ("Mise à disposition de Commune de Recyclage", "Portail")


def test_completing_a_suspended_invoice(make_invoice, supplier, recipient):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="suspend", reason="BL ?"
    )
    services.complete_invoice(
        actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, comment=" BL joint "
    )
    history = histories(invoice)
    assert history["status"][-2:] == [
        (S.MADE_AVAILABLE, S.SUSPENDED, "suspend", recipient.gp, recipient, "BL ?", {}),
        (S.SUSPENDED, S.COMPLETED, "complete", supplier.gp, supplier, "BL joint", {"attachments": []}),
    ]
    assert history["actions"][-2:] == [
        (InvoiceAction.PROCESS, recipient.gp),
        (InvoiceAction.COMPLETE, supplier.gp),
    ]


def test_acknowledging_a_return_is_a_user_action_only(make_invoice, supplier, recipient):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    before = histories(invoice)
    services.acknowledge_return(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
    assert histories(invoice) == {
        **before,
        "actions": [*before["actions"], (InvoiceAction.ACKNOWLEDGE, supplier.gp)],
    }


def test_downloading_is_a_user_action_and_an_event(make_invoice, recipient):
    invoice = make_invoice()
    before = histories(invoice)
    services.mark_downloaded(actor=recipient.gp, structure=recipient, invoice_id=invoice.pk)
    services.mark_downloaded(actor=recipient.gp, structure=recipient, invoice_id=invoice.pk)
    who = str(recipient.gp)
    assert histories(invoice) == {
        "status": before["status"],
        "actions": [
            *before["actions"],
            (InvoiceAction.DOWNLOAD, recipient.gp),
            (InvoiceAction.DOWNLOAD, recipient.gp),
        ],
        "events": [
            *before["events"],
            ("Téléchargée par le destinataire", who),
            ("Téléchargée par le destinataire", who),
        ],
    }


@pytest.mark.parametrize("status", list(PATHS))
def test_the_factory_follows_the_workflow_to_each_status(db, status):
    invoice = InvoiceFactory(**{S(status).name.lower(): True})
    rows = histories(invoice)["status"]
    assert [row[2] for row in rows] == ["create", *PATHS[status]]
    assert [row[1] for row in rows][-1] == invoice.status == status
    assert all(previous[1] == row[0] for previous, row in zip(rows, rows[1:], strict=False))
    assert not invoice.attachments.exists()  # no PDF rendered


@pytest.mark.documents  # the invoice compared with the factory's is sent by the real services
@pytest.mark.parametrize("status", [S.MADE_AVAILABLE, S.COMPLETED, S.MANDATED])
def test_the_factory_writes_what_the_services_write(make_invoice, supplier, recipient, status):
    """InvoiceFactory stands for real invoices in most tests: its histories must be the services'."""
    steps = PATHS[status][len(PATHS[S.MADE_AVAILABLE]) :]
    real = make_invoice(invoice_date=datetime.date(2026, 11, 2))
    for name in steps:
        if name == "complete":
            services.complete_invoice(actor=supplier.gp, structure=supplier, invoice_id=real.pk, comment="BL")
        else:
            services.process_invoice(
                actor=recipient.gp,
                structure=recipient,
                invoice_id=real.pk,
                transition=name,
                reason="BL" if workflow.get(name).needs_reason else "",
                mandate_number="M-1" if workflow.get(name).needs_mandate_number else "",
            )
    built = InvoiceFactory(
        status=status,
        supplier=supplier,
        recipient=recipient,
        created_by=supplier.gp,
        mandate_number="M-1" if status == S.MANDATED else "",
        history__reason="BL",
    )
    real.refresh_from_db()
    expected = histories(real)
    # What the factory leaves out: the original, generated (with its event) on first download.
    expected["events"] = [
        event for event in expected["events"] if not event[0].startswith("Document original")
    ]
    assert histories(built) == expected
    assert (built.status, built.total_ttc) == (real.status, real.total_ttc)


def test_each_row_is_dated_by_the_services_clock(make_invoice, recipient, time_machine):
    invoice = make_invoice()
    moment = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    invoice.refresh_from_db()
    change, action = invoice.status_changes.latest("pk"), invoice.user_actions.latest("pk")
    assert change.created_at == action.created_at == invoice.status_changed_at == moment
