"""Pages of annuaire results: a search matching tens of thousands of the 200,000 public
structures is counted up to RESULTS_CAP only (« plus de 1 000 »), the exact figure would cost a
read of every match for a number nobody pages through."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from annuaire import selectors


class CappedPaginator(Paginator):
    @cached_property
    def found(self) -> int:
        return selectors.count_capped(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self.found, selectors.RESULTS_CAP)

    @property
    def capped(self) -> bool:
        return self.found > selectors.RESULTS_CAP
