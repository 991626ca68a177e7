"""Pure helpers of the Python asset checks."""

import random
from itertools import accumulate

from orchestration.warehouse.checks import covered


def test_covered_agrees_with_a_scan_of_every_span():
    rng = random.Random(7)
    for _ in range(300):
        spans = sorted((s, s + rng.randint(1, 12)) for s in rng.sample(range(200), rng.randint(0, 15)))
        starts, max_ends = [s for s, _ in spans], list(accumulate((e for _, e in spans), max))
        for _ in range(20):
            a = rng.randint(0, 210)
            b = a + rng.randint(1, 8)
            assert covered(a, b, starts, max_ends) == any(s < b and a < e for s, e in spans), (a, b, spans)


def test_a_span_nested_in_a_long_earlier_span_is_covered():
    # The long span starts first but ends last: only the running maximum of ends finds it.
    starts, max_ends = [0, 5], [100, 100]  # spans (0, 100) and (5, 8)
    assert covered(50, 60, starts, max_ends)
    assert not covered(100, 104, starts, max_ends)
