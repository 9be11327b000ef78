"""The dashboard's panels: matplotlib figures of a :class:`DashboardModel`, and their cards.

Each ``*_figure`` function draws one figure from what the runs recorded (their recorders'
datasets) or, for the household view, from the household columns; each ``*_panel`` function is
a SolaraViz component (``model -> element``) that shows it in a titled card. The chosen scenario
is drawn solid and the comparison scenario dashed. Figures are built with
:class:`matplotlib.figure.Figure` (no pyplot state), so the server's threads do not share one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape

import matplotlib.dates as mdates
import numpy as np
import solara
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from experiments.dashboard.model import STATES, DashboardModel

__all__ = [
    "COMPONENTS",
    "comparison_html",
    "comparison_panel",
    "comparison_rows",
    "flows_figure",
    "headcount_figure",
    "households_figure",
    "spending_figure",
]

#: line style of the chosen scenario (0) and of the comparison scenario (1)
STYLES = ("-", "--")
#: colours of the graduation states (never, enrolled, graduated, sustained, relapsed)
STATE_COLOURS = ("#bdbdbd", "#4c72b0", "#55a868", "#2ca02c", "#c44e52")
#: bins of consumption per capita as a multiple of the household's poverty line (log-spaced)
RATIO_BINS = np.geomspace(0.25, 8.0, 41)


def _figure(ncols: int = 1) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(6.4, 3.6), dpi=90, layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, ncols, sharey=True))
    return fig, axes


def _month_axis(ax: Axes, model: DashboardModel) -> None:
    """Dates of the whole run on the x axis, so that the lines grow as the months pass."""
    start = np.datetime64(model.main.params.run.start, "M")
    ax.set_xlim(start, start + np.timedelta64(model.months - 1, "M"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("month")
    ax.grid(alpha=0.3)
    if model.month == 0:
        ax.text(0.5, 0.5, "press Step or \u25b6 to run", transform=ax.transAxes,
                ha="center", va="center", color="grey")  # fmt: skip


def _dates(ds: xr.Dataset) -> np.ndarray:
    return np.asarray(ds["date"].values)


def headcount_figure(model: DashboardModel) -> Figure:
    """Poverty and extreme-poverty headcount (% of people) of both runs, month by month."""
    fig, (ax,) = _figure()
    for name, ds, style in zip(model.names, model.results(), STYLES, strict=True):
        ax.plot(_dates(ds), 100 * ds.poverty_rate, style, color="tab:blue",
                label=f"poverty, {name}")  # fmt: skip
        ax.plot(_dates(ds), 100 * ds.extreme_poverty_rate, style, color="tab:purple",
                label=f"extreme poverty, {name}")  # fmt: skip
    ax.set_title("Poverty headcount")
    ax.set_ylabel("people below the line (%)")
    ax.set_ylim(bottom=0)
    _month_axis(ax, model)
    ax.legend(fontsize=7, loc="upper right")
    return fig


def flows_figure(model: DashboardModel) -> Figure:
    """Graduations and relapses since the start (thousand families) of both runs."""
    fig, (ax,) = _figure()
    for name, ds, style in zip(model.names, model.results(), STYLES, strict=True):
        dates = _dates(ds)
        ax.plot(dates, ds.cumulative_graduates / 1e3, style, color="tab:green",
                label=f"graduations, {name}")  # fmt: skip
        ax.plot(dates, np.cumsum(ds.relapses.values) / 1e3, style, color="tab:red",
                label=f"relapses, {name}")  # fmt: skip
    ax.set_title("Graduations and relapses since January")
    ax.set_ylabel("thousand families")
    ax.set_ylim(bottom=0)
    _month_axis(ax, model)
    ax.legend(fontsize=7, loc="best")
    return fig


def spending_figure(model: DashboardModel) -> Figure:
    """Monthly spending by programme of the chosen scenario, and the comparison's total."""
    fig, (ax,) = _figure()
    main, other = model.results()
    spent = main.spending / 1e12
    used = [str(p) for p in spent.programme.values if float(spent.sel(programme=p).sum()) > 0]
    if used:
        ax.stackplot(_dates(main), *(spent.sel(programme=p) for p in used), labels=used,
                     step="post", alpha=0.85)  # fmt: skip
    ax.step(_dates(main), spent.sum("programme"), "-", where="post", color="black", lw=0.8,
            label=f"total, {model.names[0]}")  # fmt: skip
    total = other.spending.sum("programme") / 1e12
    ax.step(_dates(other), total, "--", where="post", color="black", lw=1.2,
            label=f"total, {model.names[1]}")  # fmt: skip
    ax.set_title(f"Spending by programme, {model.names[0]}")
    ax.set_ylabel("Rp trillion per month")
    ax.set_ylim(bottom=0)
    _month_axis(ax, model)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def households_figure(model: DashboardModel) -> Figure:
    """Consumption against the poverty line, people by graduation state, both runs side by side.

    From the household columns of each run this month: consumption per capita over the
    household's own poverty line (urban or rural, with the rice-price episode), weighted by
    members and the household weight (national scale).
    """
    fig, axes = _figure(ncols=2)
    for ax, name, run in zip(axes, model.names, model.runs, strict=True):
        hh = run.households
        ratio = np.clip(hh.consumption_pc / hh.poverty_line, RATIO_BINS[0], RATIO_BINS[-1])
        people = hh.size * run.weight / 1e6
        state = DashboardModel.graduation_state(run)
        groups = [state == k for k in range(len(STATES))]
        ax.hist([ratio[g] for g in groups], bins=RATIO_BINS, weights=[people[g] for g in groups],
                stacked=True, color=STATE_COLOURS, label=STATES)  # fmt: skip
        ax.axvline(1.0, color="black", lw=1, label="poverty line")
        ax.set_xscale("log")
        ax.set_xticks([0.25, 0.5, 1, 2, 4, 8], ["≤¼", "½", "1", "2", "4", "≥8"])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"{name}, month {model.month}", fontsize=9)
    fig.supxlabel("consumption per capita / poverty line", fontsize=10)
    axes[0].set_ylabel("people (millions)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center", fontsize=6,
               title="graduation\nstate", title_fontsize=6)  # fmt: skip
    fig.suptitle("Households: consumption against the poverty line")
    return fig


#: rows of the comparison table: label -> (variable, scale, format, how: last or sum)
ROWS = {
    "Poverty (%)": ("poverty_rate", 100, "{:.2f}", "last"),
    "Extreme poverty (%)": ("extreme_poverty_rate", 100, "{:.2f}", "last"),
    "Poor people (million)": ("poor_persons", 1e-6, "{:.2f}", "last"),
    "Graduations (thousand)": ("cumulative_graduates", 1e-3, "{:.0f}", "last"),
    "Relapses (thousand)": ("relapses", 1e-3, "{:.0f}", "sum"),
    "Sustained (thousand)": ("cumulative_sustained", 1e-3, "{:.0f}", "last"),
    "Spending (Rp trillion)": ("cumulative_spending", 1e-12, "{:.1f}", "last"),
}


def _value(ds: xr.Dataset, var: str, how: str) -> float:
    x = ds[var]
    return float(x.sum()) if how == "sum" else float(x[-1])


def comparison_rows(model: DashboardModel) -> list[tuple[str, str, str, str]]:
    """Outcomes of the two runs so far and their paired difference: (label, a, b, a - b).

    Rates are this month's; counts and spending since the start; dashes before the first step.
    """
    main, other = model.results()
    rows = []
    for label, (var, scale, fmt, how) in ROWS.items():
        if model.month == 0:
            rows.append((label, "–", "–", "–"))
            continue
        x, y = (_value(ds, var, how) * scale for ds in (main, other))
        rows.append((label, fmt.format(x), fmt.format(y), fmt.format(x - y)))
    return rows


def comparison_html(model: DashboardModel) -> str:
    """Return the status line and the comparison table as HTML (names escaped)."""
    p = model.main.params
    status = (f"<b>Month {model.month} of {model.months}</b> · "
              f"{p.world.population.households:,} households · seed {p.run.seed} "
              f"(the same shocks in both runs)<br>{escape(model.describe())}")  # fmt: skip

    def cells(tag: str, values: tuple[str, ...]) -> str:
        align = ["left"] + ["right"] * (len(values) - 1)
        return "".join(f'<{tag} style="padding:0 6px;text-align:{a}">{escape(v)}</{tag}>'
                       for a, v in zip(align, values, strict=True))  # fmt: skip

    head = cells("th", ("", *model.names, "difference"))
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in comparison_rows(model))
    style = "font-size:12px;line-height:1.3;max-height:300px;overflow-y:auto"
    return (f'<div style="{style}"><p style="margin-bottom:6px">{status}</p>'
            f"<table><tr>{head}</tr>{body}</table></div>")  # fmt: skip


def comparison_panel(model: DashboardModel) -> solara.Element:
    """Show the two scenarios side by side (outcomes so far), or the controls' error."""
    with solara.Card("Scenario comparison (same seed)") as card:
        if model.error:
            solara.Error(f"Cannot build the model: {model.error}")
        else:
            solara.HTML(tag="div", unsafe_innerHTML=comparison_html(model))
    return card


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


@solara.component
def _Plot(  # noqa: N802 (a solara component)
    model: DashboardModel, month: int, draw: Callable[[DashboardModel], Figure]
) -> solara.Element:
    """Show the figure ``draw`` makes of ``model`` at ``month`` (a new month redraws it)."""
    png = solara.use_memo(lambda: _png(draw(model)), [model, month, draw])
    return solara.Image(png, width="100%")


def _panel(title: str, draw: Callable[[DashboardModel], Figure]) -> Callable[..., solara.Element]:
    """Return a SolaraViz component: the figure ``draw`` makes, in a card titled ``title``."""

    def panel(model: DashboardModel) -> solara.Element:
        with solara.Card(title) as card:
            if model.error:
                solara.Info("No run: see the message under Scenario comparison.")
            else:
                _Plot(model, model.month, draw)
        return card

    panel.__name__ = panel.__qualname__ = f"{draw.__name__.removesuffix('_figure')}_panel"
    return panel


#: the dashboard's components, in the order they are laid out (two to a row)
COMPONENTS = [
    comparison_panel,
    _panel("Poverty headcount", headcount_figure),
    _panel("Graduations and relapses", flows_figure),
    _panel("Spending by programme", spending_figure),
    _panel("Households by graduation state", households_figure),
]
