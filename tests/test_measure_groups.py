"""Groups of measures and periods are drawn from records.MEASURES / records.PERIODS, each name once."""

from orchestration.extract.records import (
    INCOME_MEASURES,
    MEASURE_GROUPS,
    MEASURES,
    PERIODS,
    QUARTERS_AND_HALVES,
    RATE_MEASURES,
    SPENDING_MEASURES,
    WHOLE_YEAR_PERIODS,
)


def test_measure_groups_name_known_measures_and_do_not_overlap():
    groups = [SPENDING_MEASURES, INCOME_MEASURES, RATE_MEASURES]
    assert all(group <= set(MEASURES) for group in groups)
    assert sum(len(group) for group in groups) == len(set().union(*groups))
    assert set(MEASURE_GROUPS) <= set(MEASURES) and "other" not in MEASURE_GROUPS


def test_period_groups_name_known_periods_and_are_disjoint():
    assert WHOLE_YEAR_PERIODS <= set(PERIODS) and set(QUARTERS_AND_HALVES) <= set(PERIODS)
    assert WHOLE_YEAR_PERIODS.isdisjoint(QUARTERS_AND_HALVES)
    assert "ytd" not in WHOLE_YEAR_PERIODS
