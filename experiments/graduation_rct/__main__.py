"""``python -m experiments.graduation_rct``: run the trial, print and write its results.

Writes ``effects.md`` and ``effects.csv`` (effects on consumption per capita and productive
assets at baseline, 24 and 36 months, with Welch 95% intervals), ``effects.png`` and
``asset_curve.png`` (assets a year later against assets now, from simulated households, with
the 45-degree line and the crossings found) into ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from experiments.docblocks import DOC, update_block
from experiments.graduation_rct.trial import ENDLINES, Arms, asset_curve, effect, run_trial

BANERJEE = "Banerjee et al. (2015): +5.8% pooled at about 24 months (countries 0 to +16.4%)"


def table(arms: Arms) -> str:
    """Return the effects as a Markdown table."""
    head = (
        "| outcome | month | control mean (Rp) | effect (Rp) [95% CI] | effect (%) [95% CI] | p |"
    )
    rows = [head, "|---|---|---|---|---|---|"]
    for outcome in ("consumption", "assets"):
        for month in (0, *ENDLINES):
            e = effect(arms, outcome, month)
            pct, lo, hi = e.percent
            rows.append(
                f"| {outcome} | {month} | {e.control_mean:,.0f} | {e.difference:+,.0f} "
                f"[{e.low:+,.0f}, {e.high:+,.0f}] | {pct:+.1f} [{lo:+.1f}, {hi:+.1f}] "
                f"| {e.p_value:.3g} |"
            )
    return "\n".join(rows)


def write_csv(arms: Arms, path: Path) -> None:
    """Write every effect as a CSV row (Rp and % of the control mean, 95% intervals)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["outcome", "month", "control_mean", "effect", "low", "high",
                      "effect_pct", "low_pct", "high_pct", "p_value"])  # fmt: skip
        for outcome in ("consumption", "assets"):
            for month in (0, *ENDLINES):
                e = effect(arms, outcome, month)
                out.writerow([outcome, month, e.control_mean, e.difference, e.low, e.high,
                              *e.percent, e.p_value])  # fmt: skip


def figures(arms: Arms, out: Path) -> None:
    """Draw the effects over time and the asset curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    labels = {"consumption": "consumption per capita", "assets": "productive assets"}
    for ax, (outcome, label) in zip(axes, labels.items(), strict=True):
        months = (0, *ENDLINES)
        eff = [effect(arms, outcome, m).percent for m in months]
        ax.errorbar(months, [e[0] for e in eff], yerr=[[e[0] - e[1] for e in eff],
                    [e[2] - e[0] for e in eff]], fmt="o-", capsize=4)  # fmt: skip
        ax.axhline(0, color="grey", lw=0.8)
        ax.set(title=f"Effect on {label}", xlabel="months after the transfer",
               ylabel="treatment - control (% of the control mean)", xticks=months)  # fmt: skip
    axes[0].axhspan(0, 16.4, color="tab:green", alpha=0.1, label="Banerjee et al. 2015 range")
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "effects.png", dpi=120)
    plt.close(fig)

    curve = asset_curve(arms.assets_now, arms.assets_next)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot(curve.now / 1e6, curve.next / 1e6, "o-", ms=3, label="simulated households")
    top = max(curve.now.max(), curve.next.max()) / 1e6
    ax.plot([0, top], [0, top], color="grey", lw=0.8, label="45-degree line")
    for x, stable in zip(curve.crossings, curve.stable, strict=True):
        ax.axvline(x / 1e6, ls="--" if stable else ":", color="tab:red",
                   label=f"{'stable' if stable else 'unstable'} at Rp{x / 1e6:.1f} M")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="productive assets now (Rp million)",
           ylabel="mean assets a year later (Rp million)",
           title="Asset dynamics (months 24 to 36)")  # fmt: skip
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "asset_curve.png", dpi=120)
    plt.close(fig)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.graduation_rct", description=__doc__
    )
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path("outputs/graduation_rct"))
    parser.add_argument("--update-doc", action="store_true", help="write the table into docs")
    args = parser.parse_args(argv)
    if args.households < 1000 or args.replicates < 1:
        parser.error("--households must be at least 1000 and --replicates at least 1")
    arms = run_trial(args.households, args.replicates)
    text = table(arms)
    curve = asset_curve(arms.assets_now, arms.assets_next)
    thresholds = ", ".join(f"Rp{x / 1e6:.2f} M" for x in curve.thresholds) or "none"
    note = (
        f"\n\n{arms.treated.size:,} ultra-poor households ({int(arms.treated.sum()):,} treated, "
        f"take-up {100 * arms.take_up:.1f}%), {args.replicates} replicates of "
        f"{args.households:,} households. Target: {BANERJEE}, still significant at 36 months. "
        f"Unstable asset thresholds found from simulated households: {thresholds}."
    )
    print(text + note)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "effects.md").write_text(text + note + "\n", encoding="utf-8")
    write_csv(arms, args.out / "effects.csv")
    figures(arms, args.out)
    print(f"written to {args.out}")
    if args.update_doc:
        how = (f"`python -m experiments.graduation_rct --households {args.households} "
               f"--replicates {args.replicates} --update-doc`")  # fmt: skip
        update_block("graduation-rct", text + note + f" Made by {how}.", DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
