"""The deposit states' table (domain §4.2): a finished deposit never changes again."""

import pytest

from deposits import workflow
from deposits.enums import FINISHED, FluxStatus
from deposits.exceptions import InvalidTransition

PAIRS = [(t, status) for t in workflow.TRANSITIONS for status in FluxStatus.values]


@pytest.mark.parametrize(("transition", "status"), PAIRS, ids=[f"{t.name}-{s}" for t, s in PAIRS])
def test_check_allows_exactly_the_table(transition, status):
    if status in transition.sources:
        assert workflow.check(transition.name, status).target == transition.target
    else:
        with pytest.raises(InvalidTransition):
            workflow.check(transition.name, status)


def test_finished_deposits_allow_nothing_and_a_running_one_is_not_started_twice():
    assert all(not workflow.can(t.name, status) for t in workflow.TRANSITIONS for status in FINISHED)
    assert not workflow.can("start", FluxStatus.PROCESSING)
    assert workflow.can("start", FluxStatus.WAITING_RETRY)
