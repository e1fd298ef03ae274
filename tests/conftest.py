import datetime
import os
import shutil
from pathlib import Path

import pytest
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from einvoice.cii import build_cii_xml
from invoices import documents
from invoices import services as invoice_services
from structures import services
from structures.enums import IdentifierType, Space, StructureKind, SubscriptionMode
from structures.models import Structure
from tests.factories import INVOICE_LINES, InvoiceFactory, UserFactory, french_vat_number, valid_siret

_counter = iter(range(500_000, 10_000_000))


@pytest.fixture(autouse=True)
def _french():
    """Each test starts in French, the source language, whatever a previous request activated."""
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def make_structure(db):
    """Creates a structure through the real service: the actor becomes its principal manager."""

    def make(actor=None, *, public=False, **data):
        actor = actor or UserFactory()
        values = {
            "identifier_type": IdentifierType.SIRET,
            "identifier": valid_siret(next(_counter)),
            "raison_sociale": "Commune de Testville" if public else "Menuiserie Test",
            "adresse": "1 place de la Mairie",
            "code_postal": "38000",
            "ville": "Grenoble",
        }
        values.update(data)
        return services.create_structure(
            actor=actor, data=values, kind=StructureKind.PUBLIC if public else StructureKind.PRIVATE
        )

    return make


@pytest.fixture
def manager(make_structure):
    """A supplier's principal manager, with their structure as `manager.structure`."""
    user = UserFactory()
    user.structure = make_structure(user)
    return user


def shared_folder(name: str, marker: str) -> Path:
    """A folder of ../shared (corpus, standards) beside the project, wherever it is cloned: the
    `CHORUS_<NAME>` variable, then ../shared/<name>, then /work/shared/<name>; the first holding
    `marker`."""
    candidates = [
        os.environ.get(f"CHORUS_{name.upper()}", ""),
        Path(__file__).resolve().parents[2] / "shared" / name,
        Path("/work/shared") / name,
    ]
    return next((Path(path) for path in candidates if path and Path(path, marker).exists()), candidates[1])


def require_or_skip(condition: bool, reason: str):
    """Skips on a bare machine; fails under CI=true, where the dependency must be present."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (playwright cannot download its own browser here)."""
    executable = shutil.which("chromium")
    require_or_skip(executable is not None, "chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test
    # body stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser page against the live test server (French by default)."""
    settings.PORTAL_BASE_URL = live_server.url
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    visited = {}
    page.on("framenavigated", lambda frame: frame == page.main_frame and visited.setdefault(frame.url))
    yield page
    # Every page the test went through, checked with axe-core once the journey is over (again
    # by GET, as the journey's last user): no serious or critical accessibility violation.
    from playwright.sync_api import Error as PlaywrightError

    from tests.browser.helpers import accessibility_violations

    problems = []
    for url in list(visited):
        if url.startswith(live_server.url):
            try:
                response = page.goto(url)
            except PlaywrightError:  # a download, or a POST-only address
                continue
            if response is not None and "text/html" in response.headers.get("content-type", ""):
                problems += accessibility_violations(page)
    context.close()
    if problems:
        pytest.fail("Accessibility (axe-core):\n" + "\n".join(problems))


@pytest.fixture
def redis_worker(settings):
    """A real Celery worker thread consuming from the machine's Redis broker."""
    redis_url = os.environ.get("REDIS_URL", "")
    require_or_skip(bool(redis_url), "needs Redis (REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from choruspro.celery import app

    def close_connections(**_kwargs):
        # A worker keeps its connection between tasks (CONN_MAX_AGE); this one runs in a thread of
        # the test process and must not leave one open on the test database when it stops.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app.conf.broker_connection_retry_on_startup = True
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["celery", "deposits"]
        ):
            yield app
    finally:
        task_postrun.disconnect(close_connections)
        app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.fixture
def supplier(make_structure):
    """A supplier structure with its principal manager (`supplier.gp`) and an active mandate."""
    gp = UserFactory()
    structure = make_structure(gp)
    services.update_structure(
        actor=gp, structure_id=structure.pk, data={"numero_tva": french_vat_number(structure.identifier[:9])}
    )
    structure.refresh_from_db()
    return with_signed_mandate(structure, gp)


def with_signed_mandate(structure, gp):
    """`structure` with an active billing mandate signed by its manager `gp` (`structure.gp`)."""
    mandate = services.subscribe_mandate(
        actor=gp,
        structure_id=structure.pk,
        libelle="Mandat",
        signatory_nom="Nom",
        signatory_prenom="Prénom",
        signatory_qualite="Gérant",
    )
    services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    structure.gp = gp
    return structure


@pytest.fixture
def recipient(make_structure):
    """A public recipient structure with its principal manager (`recipient.gp`)."""
    gp = UserFactory()
    structure = make_structure(gp, public=True, raison_sociale="Commune de Recevoir")
    structure.gp = gp
    return structure


LINES = INVOICE_LINES


@pytest.fixture
def make_invoice(request, supplier, recipient, django_capture_on_commit_callbacks):
    """make_invoice(send=True) → an invoice from `supplier` to `recipient`, MISE_A_DISPOSITION,
    with the histories and notifications of a real sending but no PDF (InvoiceFactory: the
    original is generated on first download); in a test marked `documents`, sent by the real
    services and routed by the (eager) worker tasks, which render its original. send=False →
    a complete draft saved by the real service."""
    counter = iter(range(1, 10_000))

    def make(send=True, **data):
        values = {
            "recipient_id": recipient.pk,
            "number": f"F2026-{next(counter):04d}",
            "invoice_date": datetime.date(2026, 11, 2),
            "payment_mode": "CHEQUE",
        }
        values.update(data)
        lines = values.pop("lines", LINES)
        if send and not request.node.get_closest_marker("documents"):
            return InvoiceFactory(
                made_available=True,
                supplier=supplier,
                created_by=supplier.gp,
                recipient=Structure.objects.get(pk=values.pop("recipient_id")),
                lines=lines,
                history__notify=True,
                **values,
            )
        invoice = invoice_services.save_draft(actor=supplier.gp, structure=supplier, data=values, lines=lines)
        if send:
            with django_capture_on_commit_callbacks(execute=True):
                invoice_services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
            invoice.refresh_from_db()
        return invoice

    return make


@pytest.fixture
def structured_invoice(supplier, recipient):
    """make(number=…, as_xml=False) → a Factur-X PDF (or its CII) issued by `supplier` to
    `recipient`, made by the portal's own generator from a draft that is then deleted."""
    counter = iter(range(1, 10_000))

    def make(number=None, *, as_xml=False, lines=None, **data):
        number = number or f"FX-{next(counter):04d}"
        values = {
            "recipient_id": recipient.pk,
            "number": number,
            "invoice_date": datetime.date(2026, 11, 2),
            "payment_mode": "CHEQUE",
            "numero_engagement": "EJ-77",
            **data,
        }
        lines = lines or [
            {"designation": "Fenêtre PVC", "quantity": "2", "unit_price": "450", "vat_rate": "20"},
            {
                "designation": "Pose",
                "quantity": "3.5",
                "unit_price": "42.10",
                "discount": "5",
                "vat_rate": "10",
            },
        ]
        draft = invoice_services.save_draft(actor=supplier.gp, structure=supplier, data=values, lines=lines)
        content = build_cii_xml(draft) if as_xml else documents.build_facturx_pdf(draft)
        invoice_services.delete_draft(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
        return content

    return make


@pytest.fixture(autouse=True)
def _empty_cache():
    """The database is rolled back after each test and its ids reused: so is the cache emptied,
    lest a test read the header another one cached (structures.cache)."""
    _clear_own_cache()
    yield
    _clear_own_cache()


def _clear_own_cache():
    """Redis is shared by the xdist workers and Celery (flushdb would empty their queues and
    counters): only this worker's keys are deleted there."""
    if not django_settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{django_settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _logins_count_as_reauthentication():
    """Sensitive views ask for a password typed in the last minutes (allauth's reauthentication_required):
    a test's log-in (force_login included) counts as one, so only tests/accounts/test_reauthentication.py,
    which lets that time pass, meets the re-authentication step."""
    from allauth.account.internal.flows.login import record_authentication
    from django.contrib.auth.signals import user_logged_in

    def record(sender, request, user, **kwargs):
        record_authentication(request, user, method="password", reauthenticated=True)

    user_logged_in.connect(record, dispatch_uid="tests.reauthentication")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.reauthentication")


@pytest.fixture
def make_validator(make_structure):
    """A private structure with Factures à valider opened, its principal manager (`.gp`)
    subscribed to it."""

    def make(name="Titulaire Bâtiment"):
        gp = UserFactory()
        structure = make_structure(gp, raison_sociale=name)
        services.open_space(actor=gp, structure_id=structure.pk, space=Space.FACTURES_A_VALIDER)
        subscription = services.request_subscription(
            user=gp,
            structure_id=structure.pk,
            space=Space.FACTURES_A_VALIDER,
            mode=SubscriptionMode.MODIFICATION,
        )
        services.decide_subscription(
            actor=gp, structure_id=structure.pk, subscription_id=subscription.pk, approve=True
        )
        structure.gp = gp
        return structure

    return make


@pytest.fixture
def titulaire(make_validator):
    return make_validator()
