"""Benchmark of the API (mode Service): `python -m benchmarks.api` (make bench-api).

On a throwaway `test_<name>` PostgreSQL database (dropped at the end), with Redis and a real
`celery worker` process (2 pool processes):
1. N deposer/flux calls of one Factur-X each (default 200): the answer's time, p50/p95;
2. the time until every flux is IN_INTEGRE, in invoices per second;
3. rechercher/fournisseur by flux number and rechercher/recipiendaire (page of 100), p50/p95.
Each call goes through the whole /cpro/ layer (token, technical account, log) in-process.
"""

import argparse
import base64
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from benchmarks.deposits import ROOT, _lot, _percentiles, _say


def _structures():
    from structures import services as structure_services
    from structures.enums import IdentifierType, StructureKind
    from tests.factories import UserFactory, french_vat_number

    gp, public_gp = UserFactory(), UserFactory()
    supplier = structure_services.create_structure(
        actor=gp,
        data={"identifier_type": IdentifierType.SIRET, "identifier": "41816609600069",
              "raison_sociale": "Menuiserie Banc d'essai", "numero_tva": french_vat_number("418166096"),
              "code_postal": "38000", "ville": "Grenoble"},
    )  # fmt: skip
    recipient = structure_services.create_structure(
        actor=public_gp,
        data={"identifier_type": IdentifierType.SIRET, "identifier": "21380000600016",
              "raison_sociale": "Commune du Banc d'essai", "code_postal": "38000", "ville": "Grenoble"},
        kind=StructureKind.PUBLIC,
    )  # fmt: skip
    supplier.gp, recipient.gp = gp, public_gp
    return supplier, recipient


def _software(client, structure, login):
    from api import services
    from structures import services as structure_services
    from structures.enums import Space

    structure_services.open_space(actor=structure.gp, structure_id=structure.pk, space=Space.RACCORDEMENT)
    connection, secret = services.declare_connection(
        actor=structure.gp, structure=structure, name="Banc", usage_type="EMISSION_RECEPTION",
        contact_name="Banc", contact_email="banc@example.org",
    )  # fmt: skip
    services.create_technical_account(
        actor=structure.gp, structure=structure, login=login, password="Banc-Chorus-2026!"
    )
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": connection.application.client_id,
            "client_secret": secret,
        },
    ).json()["access_token"]
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_CPRO_ACCOUNT": base64.b64encode(f"{login}:Banc-Chorus-2026!".encode()).decode(),
    }


def _timed_post(client, headers, path, body) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.post(f"/cpro/{path}", json.dumps(body), content_type="application/json", **headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:300]
    return elapsed, response.json()


def run(count: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        _say("Le banc de l'API se mesure sur PostgreSQL : définissez DATABASE_URL=postgres://…")
        return 2
    setup_test_environment()
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    worker = None
    try:
        from choruspro.celery import app
        from deposits.enums import FINISHED
        from deposits.models import Deposit

        app.conf.task_always_eager = False
        app.conf.broker_url = os.environ["REDIS_URL"]
        supplier, recipient = _structures()
        client = Client()
        supplier_headers = _software(client, supplier, "banc.fournisseur@example.org")
        recipient_headers = _software(client, recipient, "banc.entite@example.org")
        with zipfile.ZipFile(
            io.BytesIO(_lot(count, supplier, recipient, ROOT / "var" / "bench" / f"lot-{count}.zip"))
        ) as lot:
            files = [(Path(name).name, lot.read(name)) for name in lot.namelist()]

        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "DJANGO_SETTINGS_MODULE": "choruspro.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        command = [sys.executable, "-m", "celery", "-A", "choruspro", "worker", "-Q", "celery,deposits",
                   "--pool=prefork", "--concurrency=2", "--loglevel=WARNING", "--without-heartbeat",
                   "--without-mingle", "--without-gossip"]  # fmt: skip
        worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        time.sleep(6)  # each pool process compiles the stylesheets when it starts

        started = time.perf_counter()
        web_cpu = time.process_time()
        samples, numbers = [], []
        for name, data in files:
            body = {"fichierFlux": base64.b64encode(data).decode(), "nomFichier": name}
            body["syntaxeFlux"] = "IN_DP_E2_CII_FACTURX"
            elapsed, answer = _timed_post(client, supplier_headers, "factures/v1/deposer/flux", body)
            samples.append(elapsed)
            numbers.append(answer["numeroFluxDepot"])
        _say(f"deposer/flux ({count} appels)              {_percentiles(samples)}   objectif p95 ≤ 100 ms")
        web_cpu = time.process_time() - web_cpu
        _say(f"  CPU du serveur pour deposer/flux : {web_cpu * 1000 / count:.1f} ms par appel")
        while Deposit.objects.exclude(status__in=FINISHED).exists():
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        integrated = Deposit.objects.filter(status="IN_INTEGRE").count()
        rate = integrated / elapsed
        _say(
            f"{integrated}/{count} flux IN_INTEGRE en {elapsed:.1f} s ({rate:.1f} factures/s)"
            "   objectif ≥ 20/s"
        )

        searches = [
            _timed_post(
                client, supplier_headers, "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": n}
            )[0]
            for n in numbers[:100]
        ]
        _say(f"rechercher/fournisseur par flux           {_percentiles(searches)}   objectif p95 ≤ 100 ms")
        pages = [
            _timed_post(client, recipient_headers, "factures/v1/rechercher/recipiendaire",
                        {"paramRecherche": {"nbResultatsParPage": 100, "pageResultatDemandee": page}})[0]
            for page in range(1, 21)
        ]  # fmt: skip
        _say(f"rechercher/recipiendaire (100 par page)   {_percentiles(pages)}   objectif p95 ≤ 100 ms")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
            # The worker is this process's only child: its CPU (and its pool's) once it has exited.
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds = usage.ru_utime + usage.ru_stime
            per_invoice = seconds * 1000 / count
            _say(f"CPU du worker : {seconds:.1f} s ({per_invoice:.1f} ms par facture, démarrage compris)")
        connection.creation.destroy_test_db(test_name, verbosity=0)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flux", type=int, default=200, help="flux déposés (200)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/choruspro")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return run(args.flux)


if __name__ == "__main__":
    raise SystemExit(main())
