"""The papers-per-month chart: every month on the axis, bars in proportion, a summary that says the facts."""

import datetime as dt

from catalog.charts import monthly_chart, nice_ceiling


def test_axis_top_is_a_round_number_at_or_above_the_busiest_month():
    assert [nice_ceiling(value) for value in (1, 3, 7, 9, 26, 41, 99, 101)] == [1, 3, 8, 10, 30, 50, 100, 200]


def test_months_without_papers_are_drawn_empty_and_bars_are_proportional():
    chart = monthly_chart([(dt.date(2023, 11, 1), 10), (dt.date(2024, 2, 1), 5)])
    assert [bar.month for bar in chart.bars] == [
        dt.date(2023, 11, 1),
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]
    assert [bar.count for bar in chart.bars] == [10, 0, 0, 5]
    assert chart.bars[0].height == 2 * chart.bars[3].height
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert [tick.label for tick in chart.x_ticks] == ["2024"]
    assert chart.bars[3].last_day == dt.date(2024, 2, 29)


def test_summary_and_yearly_totals():
    chart = monthly_chart([(dt.date(2023, 3, 1), 2), (dt.date(2023, 5, 1), 4), (dt.date(2024, 1, 1), 1)])
    assert (
        chart.summary == "7 papers dated from March 2023 to January 2024; the busiest month was May 2023 with 4 papers."
    )
    assert [(year.year, year.count, year.busiest.month.month) for year in chart.years] == [(2023, 6, 5), (2024, 1, 1)]
    assert [tick.label for tick in chart.x_ticks] == ["2023", "2024"]


def test_no_papers_no_chart():
    assert monthly_chart([]) is None
