"""The fuzzer (benchmarks/fuzz.py) with a small seeded budget: the readers neither crash nor hang,
and every mutant deposited through the real service ends in a final state. `make fuzz` runs the
large budget (FUZZ_MUTANTS, FUZZ_DEPOSITS)."""

import os
import time

import pytest

from benchmarks import fuzz
from deposits import services
from deposits.archives import lot_kind
from deposits.enums import FINISHED, DepositFormat, DepositKind, FluxStatus
from deposits.exceptions import DepositRefused
from deposits.models import Deposit
from tests.conftest import require_or_skip
from tests.deposits.conftest import upload

MUTANTS = int(os.environ.get("FUZZ_MUTANTS", "300"))
DEPOSITS = int(os.environ.get("FUZZ_DEPOSITS", "20"))
SEED = int(os.environ.get("FUZZ_SEED", "20261201"))


@pytest.fixture
def seeds():
    require_or_skip(fuzz.CORPUS.is_dir(), f"needs the sample invoices of ../shared/corpus ({fuzz.CORPUS})")
    return fuzz.load_seeds()


# Targets of the oracle's own tests: the child process imports them from here.
def raising_target(name, data):
    raise ValueError("not one of the reader's errors")


def dying_target(name, data):
    os._exit(3)


def sleeping_target(name, data):
    time.sleep(float(data))
    return "read"


def test_same_seed_same_mutants_and_every_mutator_is_drawn(seeds):
    first = [(c.target, c.mutator, c.data) for c in fuzz.generate(7, 200, seeds)]
    assert first == [(c.target, c.mutator, c.data) for c in fuzz.generate(7, 200, seeds)]
    assert first != [(c.target, c.mutator, c.data) for c in fuzz.generate(8, 200, seeds)]
    drawn = {c.mutator for c in fuzz.generate(7, 400, seeds)}
    every = fuzz.BYTE_MUTATORS + fuzz.XML_MUTATORS + fuzz.PDF_MUTATORS + fuzz.LOT_MUTATORS
    assert drawn == {mutator.__name__ for mutator in every}


def test_the_oracle_tells_crashes_and_hangs_from_refusals():
    runner = fuzz.Runner()
    try:
        # A generous limit for the calls that must end (the child's first call imports the readers,
        # seconds on a loaded machine); 2 s for the one that must be cut.
        def run(target, data=b"0", limit=60):
            return runner.run(fuzz.Case(0, target, "test", "test", "f.pdf", data), limit)[:2]

        assert run("extract", b"ceci n'est pas une facture") == ("refused", "")
        assert run("read_lot", b"PK\x03\x04 tronque") == ("refused", "")
        outcome, detail = run("tests.test_fuzz:raising_target")
        assert outcome == "crash" and "ValueError: not one of the reader's errors" in detail
        assert run("tests.test_fuzz:dying_target") == ("crash", "the child process died (exit code 3)")
        assert run("tests.test_fuzz:sleeping_target", b"5", limit=2) == ("hang", "over 2 s")
        # A new child takes over after a hang or a death.
        assert run("tests.test_fuzz:sleeping_target", b"0") == ("read", "")
    finally:
        runner.stop()


def test_readers_neither_crash_nor_hang_on_seeded_mutants(seeds, tmp_path):
    report = fuzz.fuzz(mutants=MUTANTS, seed=SEED, save_to=tmp_path)
    findings = [f"{o} #{c.index} {c.target}/{c.mutator} on {c.seed_name}: {d}" for c, o, d in report.findings]
    assert findings == []
    assert sum(report.counts.values()) == MUTANTS
    # Mutants that are read and mutants that are refused, for every target: the budget tests both.
    seen = {(target, outcome) for (target, _, outcome), n in report.counts.items() if n}
    assert {(target, outcome) for target in fuzz.TARGETS for outcome in ("read", "refused")} <= seen


def _deposit_arguments(case):
    if case.target == "read_lot":
        name = "lot.tar.gz" if lot_kind(case.data) == "tar.gz" else "lot.zip"
        return DepositKind.LOT, DepositFormat.MIXED, name
    name = case.seed_name
    return DepositKind.UNIT, DepositFormat.STRUCTURED if name.endswith(".xml") else DepositFormat.MIXED, name


@pytest.mark.django_db
def test_every_deposited_mutant_ends_in_a_final_state(seeds, supplier, django_capture_on_commit_callbacks):
    refused_at_upload, made = 0, []
    for case in fuzz.generate(SEED, DEPOSITS, seeds):
        kind, declared_format, name = _deposit_arguments(case)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                deposit = services.create_deposit(
                    actor=supplier.gp,
                    structure=supplier,
                    kind=kind,
                    declared_format=declared_format,
                    cadre="A1_FACTURE_FOURNISSEUR",
                    validator=None,
                    upload=upload(name, case.data),
                )
        except DepositRefused:
            refused_at_upload += 1
            continue
        made.append((deposit.pk, f"#{case.index} {case.target}/{case.mutator} on {case.seed_name}"))
    statuses = dict(Deposit.objects.values_list("pk", "status"))
    unfinished = [(what, statuses[pk]) for pk, what in made if statuses[pk] not in FINISHED]
    technical = [what for pk, what in made if statuses[pk] == FluxStatus.TECHNICAL_ERROR]
    assert (unfinished, technical) == ([], [])
    assert len(made) + refused_at_upload == DEPOSITS and made
