"""Walks every history chain (CGI art. 289-VII-1, piste d'audit fiable) and reports the first
broken link of each broken chain; exits with 1 when one is broken."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from choruspro import history


def _date(value: datetime.datetime | None) -> str:
    return f"{value.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC" if value else "date inconnue"


class Command(BaseCommand):
    help = "Vérifie la piste d'audit : recalcule l'empreinte de chaque ligne d'historique et son chaînage."

    def handle(self, *args, **options):
        chains = rows = broken = 0
        for model in history.chained_models():
            report = history.verify(model)
            chains, rows, broken = chains + report.chains, rows + report.rows, broken + len(report.breaks)
            state = "intègre" if not report.breaks else f"ROMPUE ({len(report.breaks)} chaîne(s))"
            self.stdout.write(
                f"{model._meta.label} ({model._meta.verbose_name_plural}) : "
                f"{report.chains} chaîne(s), {report.rows} ligne(s) — {state}"
            )
            for link in report.breaks:
                self.stdout.write(
                    f"  chaîne {model.chain_attname()}={link.chain} : ligne {link.row_id} "
                    f"du {_date(link.created_at)} — {link.description}"
                )
        if broken:
            raise CommandError(f"Piste d'audit rompue : {broken} chaîne(s) sur {chains}.", returncode=1)
        self.stdout.write(f"Piste d'audit intègre : {chains} chaîne(s), {rows} ligne(s) vérifiées.")
