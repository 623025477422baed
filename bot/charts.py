"""Progress charts as PNG bytes, sized to read on a phone.

Uses matplotlib's object API (``Figure`` + ``FigureCanvasAgg``) and never
``pyplot``: the bot renders from worker threads (``asyncio.to_thread``) and
pyplot's global figure manager is not thread-safe. Each call builds and drops
its own figure, so nothing is shared between calls.

matplotlib is imported on the first chart, not with this module: it costs half a second
and some 40 MB, which every start of the bot would pay for a chart few lifters ask for.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MIN_POINTS", "ProgressPoint", "render_progress_chart"]

MIN_POINTS: Final = 2
"""Fewer points than this make no line; the handler answers in text instead."""

SIZE_INCHES: Final = 7.2
DPI: Final = 150  # 7.2 in x 150 dpi = 1080 px square

_E1RM_COLOR: Final = "#1f5fa8"
_TOP_COLOR: Final = "#e07b00"
_REPS_COLOR: Final = "#2e7d32"
_BAND_COLOR: Final = "#a5d6a7"
_GRID_COLOR: Final = "#d9d9d9"
_TEXT_COLOR: Final = "#222222"
_SUBTLE_COLOR: Final = "#555555"

_TITLE_PT: Final = 20
_LABEL_PT: Final = 15
_TICK_PT: Final = 13
_LEGEND_PT: Final = 13


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """One workout's best for an exercise."""

    day: date
    e1rm: Decimal
    top_weight: Decimal
    top_reps: int


def render_progress_chart(
    points: Sequence[ProgressPoint],
    *,
    exercise_name: str,
    unit: str,
    rep_lo: int,
    rep_hi: int,
) -> bytes:
    """Draw estimated 1RM, top-set load and top-set reps over time as a PNG.

    Top panel: estimated one-rep max and top-set load per workout. Bottom
    panel: reps of the top set, over the target rep range shaded as a band.
    About 1080x1080 px. Raises ValueError for fewer than :data:`MIN_POINTS`
    points or a rep range with ``rep_lo > rep_hi``.
    """
    if len(points) < MIN_POINTS:
        raise ValueError(f"a progress chart needs at least {MIN_POINTS} points, got {len(points)}")
    if rep_lo > rep_hi:
        raise ValueError(f"rep_lo ({rep_lo}) is above rep_hi ({rep_hi})")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ordered = sorted(points, key=lambda p: p.day)
    days = [date2num(p.day) for p in ordered]
    e1rm = [float(p.e1rm) for p in ordered]
    top = [float(p.top_weight) for p in ordered]
    reps = [p.top_reps for p in ordered]
    marker = _marker_size(len(ordered))

    figure = Figure(figsize=(SIZE_INCHES, SIZE_INCHES), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    load_ax, reps_ax = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    for ax in (load_ax, reps_ax):
        _style(ax)

    figure.suptitle(exercise_name, fontsize=_TITLE_PT, fontweight="bold", color=_TEXT_COLOR)

    load_ax.plot(
        days,
        e1rm,
        color=_E1RM_COLOR,
        linewidth=2.6,
        marker="o",
        markersize=marker,
        label="Estimated 1RM",
    )
    load_ax.plot(
        days,
        top,
        color=_TOP_COLOR,
        linewidth=2.2,
        marker="s",
        markersize=marker * 0.9,
        label="Top set",
    )
    load_ax.set_ylabel(f"Load ({unit})", fontsize=_LABEL_PT, color=_TEXT_COLOR)
    load_ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=(1, 2, 2.5, 5, 10)))
    low, high = min(top + e1rm), max(top + e1rm)
    pad = max((high - low) * 0.12, high * 0.03, 1.0)
    load_ax.set_ylim(max(low - pad, 0.0), high + pad * 2.0)  # head room for the legend
    load_ax.legend(loc="upper left", fontsize=_LEGEND_PT, frameon=False, ncols=2, handlelength=1.6)
    latest = ordered[-1]
    load_ax.set_title(
        f"Latest: est. 1RM {_number(latest.e1rm)} {unit} · "
        f"top set {_number(latest.top_weight)} {unit} × {latest.top_reps}",
        fontsize=_TICK_PT,
        color=_SUBTLE_COLOR,
        pad=8,
    )

    reps_ax.axhspan(
        rep_lo - 0.5 if rep_lo == rep_hi else rep_lo,
        rep_hi + 0.5 if rep_lo == rep_hi else rep_hi,
        color=_BAND_COLOR,
        alpha=0.45,
        linewidth=0,
        label=f"Target {rep_lo}–{rep_hi} reps" if rep_lo != rep_hi else f"Target {rep_lo} reps",
    )
    reps_ax.plot(
        days,
        reps,
        color=_REPS_COLOR,
        linewidth=2.2,
        marker="o",
        markersize=marker,
        label="Reps, top set",
    )
    reps_ax.set_ylabel("Reps (top set)", fontsize=_LABEL_PT, color=_TEXT_COLOR)
    reps_ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, steps=(1, 2, 5, 10)))
    lowest, highest = min([*reps, rep_lo]), max([*reps, rep_hi])
    reps_ax.set_ylim(max(lowest - 1.5, 0.0), highest + 1.5 + (highest - lowest) * 0.35)
    reps_ax.legend(loc="upper left", fontsize=_LEGEND_PT, frameon=False, ncols=2, handlelength=1.6)

    locator = AutoDateLocator(minticks=4, maxticks=7)
    reps_ax.xaxis.set_major_locator(locator)
    reps_ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    first, last = ordered[0].day, ordered[-1].day
    margin = max((last - first) * 0.04, timedelta(days=1))
    reps_ax.set_xlim(date2num(first - margin), date2num(last + margin))

    figure.tight_layout(pad=0.8, h_pad=0.6)
    figure.align_ylabels((load_ax, reps_ax))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _style(ax: Axes) -> None:
    ax.set_facecolor("white")
    ax.grid(True, color=_GRID_COLOR, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=_TICK_PT, colors=_TEXT_COLOR)
    ax.xaxis.get_offset_text().set_fontsize(_TICK_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _marker_size(count: int) -> float:
    """Big dots for a few workouts, small ones when there are many."""
    if count <= 12:
        return 8.0
    if count <= 40:
        return 5.5
    return 3.0


def _number(value: Decimal) -> str:
    """75 / 102.5 -- at most one decimal, no trailing zeros."""
    rounded = value.quantize(Decimal("0.1"))
    return (
        f"{rounded.normalize():f}" if rounded != rounded.to_integral_value() else f"{int(rounded)}"
    )
