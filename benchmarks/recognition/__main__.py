"""Benchmark of PDF recognition: `python -m benchmarks.recognition` (make bench-recognition).

1. Text PDFs: the generated set (benchmarks/recognition/generator.py, `--count` invoices under 24
   layouts, 1 to 3 pages) and the plain PDFs of ../shared/corpus/plain-pdf/.
2. Scans: `--scans` generated invoices (spread over the set) printed to images at 200 and 300 dpi,
   read by OCR.

Printed per field and overall: recall, wrong-value rate, empty rate; then ms per page read.
"""

import argparse
import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

from benchmarks.recognition import evaluation, generator

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = Path(os.environ.get("CHORUS_CORPUS") or ROOT.parent / "shared" / "corpus")


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def corpus_items() -> list:
    """The corpus's plain PDFs with the values their JSON gives (the SIREN for the supplier)."""
    items = []
    for path in sorted((CORPUS / "plain-pdf").glob("*.pdf")):
        given = json.loads(path.with_suffix(".json").read_text())[0]
        truth = {
            "invoice_number": given["invoice_number"],
            "issue_date": datetime.date.fromisoformat(given["date"]),
            "total_ttc": Decimal(f"{given['amount']:.2f}"),
            "total_ht": Decimal(f"{given['amount_untaxed']:.2f}"),
            "currency": given["currency"],
            "supplier_siren": str(given["siren"]).replace(" ", ""),
        }
        if "date_due" in given:
            truth["due_date"] = datetime.date.fromisoformat(given["date_due"])
        if "vat" in given:
            truth["supplier_vat_number"] = given["vat"]
        items.append((path.name, path.read_bytes(), truth))
    return items


def _corpus_fields(data: bytes):
    fields, seconds, cpu, pages = evaluation.read_fields(data)
    if fields.get("supplier_identifier"):
        fields = {**fields, "supplier_siren": fields.pop("supplier_identifier")}
    return fields, seconds, cpu, pages


def show(title: str, report: evaluation.Report) -> None:
    _say(title)
    _say(f"  {'champ':<22} {'imprimés':>8} {'rappel':>8} {'faux':>8} {'vides':>8}")
    rows = sorted(report.fields.items()) + [("ENSEMBLE", report.overall)]
    for name, score in rows:
        _say(
            f"  {name:<22} {score.printed:>8} {score.rate(score.right):>8.1%} "
            f"{score.rate(score.wrong):>8.2%} {score.rate(score.empty):>8.1%}"
        )
    if report.pages:
        _say(
            f"  {1000 * report.seconds / report.pages:.1f} ms par page lue, "
            f"{1000 * report.cpu_seconds / report.pages:.1f} ms de CPU par page ({report.pages} pages)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--scans", type=int, default=24, help="generated invoices also read as scans")
    parser.add_argument("--dpi", type=int, action="append", help="scan resolutions (default 300 and 200)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--mistakes", type=int, default=15, help="wrong values listed per set")
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")
    django.setup()
    samples = generator.generate(args.count, args.seed)
    layouts = len({sample.layout.name for sample in samples})
    _say(f"{len(samples)} factures générées, {layouts} mises en page, 1 à 3 pages")
    items = [(sample.name, sample.pdf, sample.truth) for sample in samples]
    evaluation.read_fields(items[0][1])  # first call loads pdfium and the regular expressions
    sets = [("PDF texte générés", evaluation.evaluate(items))]
    sets.append(
        (
            "PDF texte du corpus (plain-pdf)",
            evaluation.evaluate(corpus_items(), _corpus_fields, known_only=True),
        )
    )
    for dpi in args.dpi or (300, 200):
        # Spread over the set: with 240 invoices and 24 scans, a step of 11 visits every layout
        # once, with one to three pages.
        step = max(1, len(items) // max(args.scans, 1)) + 1
        chosen = [items[(k * step) % len(items)] for k in range(min(args.scans, len(items)))]
        scans = [(name, evaluation.rasterise(data, dpi), truth) for name, data, truth in chosen]
        sets.append((f"Scans {dpi} dpi (OCR), {len(scans)} factures", evaluation.evaluate(scans)))
    for title, report in sets:
        show(title, report)
        for name, key, read, expected in report.mistakes[: args.mistakes]:
            _say(f"    faux : {name} {key} lu {read!r}, attendu {expected!r}")


if __name__ == "__main__":
    main()
