"""Benchmark of the invoice lists: `python -m benchmarks.lists` (make bench-lists).

Fills a throwaway PostgreSQL database (`test_<name>` next to DATABASE_URL, dropped at the end)
with 1,000,000 invoices over 2,000 structures, then times the supplier and recipient Synthèse
and Rechercher pages in-process (Django test client: server time, no network), p50/p95.

Options: --invoices N (default 1,000,000), --structures N (default 2,000), --runs N (default 40).
"""

import argparse
import os
import statistics
import sys
import time


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


FILL_SQL = """
INSERT INTO invoices_invoice (
    status, status_changed_at, cadre, supplier_id, recipient_id, recipient_is_state, invoice_type, number,
    origin_invoice_number, invoice_date, currency, vat_type, exemption_reason, payment_mode, contract_number,
    numero_engagement, comment, total_ht, total_vat, total_ttc_before_discount, global_discount,
    global_discount_reason, total_ttc, amount_due, amount_due_overridden, deposit_mode, deposited_at,
    made_available_at, downloaded_by_recipient, rejection_acknowledged, mandate_number, created_by_id,
    created_at, updated_at
)
SELECT
    (ARRAY['MISE_A_DISPOSITION','SERVICE_FAIT','MANDATEE','MISE_EN_PAIEMENT','MISE_EN_PAIEMENT','REJETEE',
           'SUSPENDUE','A_RECYCLER','COMPLETEE','BROUILLON'])[1 + (g % 10)],
    now() - (g % 365) * interval '1 day', 'A1_FACTURE_FOURNISSEUR', s.id, r.id, false,
    CASE WHEN g % 25 = 0 THEN 'AVOIR' ELSE 'FACTURE' END, 'B' || g, '',
    current_date - (g % 365), 'EUR', 'TVA_SUR_DEBIT', '', 'VIREMENT', '', 'EJ' || (g % 100000), '',
    (g % 100000) / 10.0, (g % 100000) / 50.0, (g % 100000) * 0.12, 0, '', (g % 100000) * 0.12,
    (g % 100000) * 0.12, false, 'SAISIE', now() - (g % 365) * interval '1 day',
    now() - (g % 365) * interval '1 day', false, false,
    CASE WHEN g % 10 = 2 THEN 'M' || g ELSE '' END, {user}, now(), now()
FROM generate_series(1, {count}) AS g
JOIN bench_s AS s ON s.n = g % {suppliers}
JOIN bench_r AS r ON r.n = (g / 7) % {recipients}
"""


def _percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--structures", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/choruspro")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from structures import services
    from structures.enums import IdentifierType, StructureKind
    from structures.models import Structure
    from tests.factories import UserFactory, valid_siret

    if connection.vendor != "postgresql":
        _say("Ce banc d'essai vise PostgreSQL : définissez DATABASE_URL=postgres://…")
        return 2
    setup_test_environment()
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        half = args.structures // 2
        supplier_user, recipient_user = UserFactory(), UserFactory()
        supplier = services.create_structure(
            actor=supplier_user,
            data={
                "identifier_type": IdentifierType.SIRET,
                "identifier": valid_siret(1),
                "raison_sociale": "F0",
            },
        )
        recipient = services.create_structure(
            actor=recipient_user,
            data={
                "identifier_type": IdentifierType.SIRET,
                "identifier": valid_siret(2),
                "raison_sociale": "P0",
            },
            kind=StructureKind.PUBLIC,
        )
        Structure.objects.bulk_create(
            Structure(
                identifier=valid_siret(10 + n),
                raison_sociale=f"Structure {n}",
                kind=StructureKind.PUBLIC if n % 2 else StructureKind.PRIVATE,
            )
            for n in range(args.structures - 2)
        )
        suppliers = list(
            Structure.objects.filter(kind=StructureKind.PRIVATE).order_by("pk").values_list("pk", flat=True)
        )
        recipients = list(
            Structure.objects.filter(kind=StructureKind.PUBLIC).order_by("pk").values_list("pk", flat=True)
        )
        assert suppliers[0] == supplier.pk and recipients[0] == recipient.pk
        start = time.perf_counter()
        with connection.cursor() as cursor:
            # Lookup tables n → structure id, so that invoices spread evenly over each kind.
            cursor.execute("CREATE TEMP TABLE bench_s (n int, id bigint)")
            cursor.executemany("INSERT INTO bench_s VALUES (%s, %s)", list(enumerate(suppliers[:half])))
            cursor.execute("CREATE TEMP TABLE bench_r (n int, id bigint)")
            cursor.executemany("INSERT INTO bench_r VALUES (%s, %s)", list(enumerate(recipients[:half])))
            # Only integers this script computed are formatted into the statement.
            cursor.execute(
                FILL_SQL.format(
                    user=int(supplier_user.pk),
                    count=int(args.invoices),
                    suppliers=len(suppliers[:half]),
                    recipients=len(recipients[:half]),
                )
            )
            cursor.execute("ANALYZE invoices_invoice")
        _say(
            f"{args.invoices:,} factures sur {args.structures:,} structures insérées en "
            f"{time.perf_counter() - start:.1f} s ({connection.vendor})"
        )
        pages = [
            ("Fournisseur — Synthèse", supplier_user, supplier, reverse("invoices:supplier_home")),
            ("Fournisseur — Rechercher", supplier_user, supplier, reverse("invoices:supplier_search")),
            (
                "Fournisseur — Rechercher (statut, tri TTC)",
                supplier_user,
                supplier,
                reverse("invoices:supplier_search") + "?status=MISE_EN_PAIEMENT&sort=-total_ttc",
            ),
            ("Destinataire — Synthèse", recipient_user, recipient, reverse("invoices:recipient_home")),
            ("Destinataire — Rechercher", recipient_user, recipient, reverse("invoices:recipient_search")),
            (
                "Destinataire — Rechercher (page 10)",
                recipient_user,
                recipient,
                reverse("invoices:recipient_search") + "?page=10",
            ),
        ]
        for label, user, structure, url in pages:
            client = Client()
            client.force_login(user)
            session = client.session
            session["current_structure_id"] = structure.pk
            session.save()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            samples = []
            for _ in range(args.runs):
                began = time.perf_counter()
                client.get(url)
                samples.append(time.perf_counter() - began)
            p50, p95 = _percentiles(samples)
            _say(f"{label:<45} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
