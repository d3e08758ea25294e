"""Geometry of the papers-per-month bar chart, drawn as inline SVG by the home page template."""

import calendar
import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28
BAR_GAP = 0.18


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: dt.date
    count: int

    @property
    def label(self):
        return f"{self.month:%B %Y}: {self.count} paper{'' if self.count == 1 else 's'}"

    @property
    def last_day(self):
        return self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class YearTotal:
    year: int
    count: int
    busiest: Bar


@dataclass(frozen=True)
class MonthlyChart:
    width: int
    height: int
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: float
    years: list[YearTotal]
    total: int
    busiest: Bar

    @property
    def summary(self):
        first, last = self.bars[0].month, self.bars[-1].month
        return (
            f"{self.total} papers dated from {first:%B %Y} to {last:%B %Y}; "
            f"the busiest month was {self.busiest.month:%B %Y} with {self.busiest.count} papers."
        )


def months_between(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def month_has_room(bar):
    """Whether a year label at this month leaves room before the next January's label."""
    return bar.month.month <= 9


def nice_ceiling(value):
    """The smallest of 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, ... that is at least `value`."""
    step = 1
    while True:
        for factor in (1, 2, 3, 4, 5, 6, 8):
            if step * factor >= value:
                return step * factor
        step *= 10


def monthly_chart(counts):
    """The chart of [(first day of month, count)], months without papers included; None without papers."""
    if not counts:
        return None
    by_month = {month.replace(day=1): count for month, count in counts}
    months = list(months_between(min(by_month), max(by_month)))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(months)
    top_value = nice_ceiling(max(by_month.values()))
    baseline = TOP + plot_height
    bars = []
    for index, month in enumerate(months):
        count = by_month.get(month, 0)
        height = plot_height * count / top_value
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * BAR_GAP / 2, 2),
                y=round(baseline - height, 2),
                width=round(slot * (1 - BAR_GAP), 2),
                height=round(height, 2),
                month=month,
                count=count,
            )
        )
    labelled = [bar for bar in bars if bar.month.month == 1 or (bar is bars[0] and month_has_room(bar))]
    x_ticks = [Tick(bar.x, str(bar.month.year)) for bar in labelled]
    y_ticks = [Tick(round(baseline - plot_height * value / top_value, 2), str(value)) for value in (0, top_value)]
    years = []
    for year in sorted({bar.month.year for bar in bars}):
        in_year = [bar for bar in bars if bar.month.year == year]
        years.append(YearTotal(year, sum(bar.count for bar in in_year), max(in_year, key=lambda bar: bar.count)))
    return MonthlyChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        baseline=baseline,
        years=years,
        total=sum(by_month.values()),
        busiest=max(bars, key=lambda bar: bar.count),
    )
