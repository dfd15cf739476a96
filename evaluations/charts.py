"""SVG charts of evaluation results: the distribution of all ratings, the means per module.

Only what the two charts show lives here; ``core.charts`` draws them with
matplotlib, cleans them for the strict CSP and caches them.

The functions take figures that are already suppressed (None for a hidden
unit): a chart can never show what a table would hide.
"""

from collections.abc import Sequence
from decimal import Decimal

from core.charts import BAR_COLOUR, FONT, cached, clean_svg, draw_svg

LINE_COLOURS = ("#0b3d6e", "#b35900", "#1b7a3a", "#8a1c5c", "#4d4d4d", "#005f73")


@cached
def distribution_svg(
    distribution: Sequence[int] | None, *, title: str, axis_label: str, prefix: str
) -> str | None:
    """Bars of ratings per value 1–6 (shares in per cent). None when the unit is hidden."""
    if not distribution or not sum(distribution):
        return None
    total = sum(distribution)
    shares = [100 * n / total for n in distribution]
    values = list(range(1, len(distribution) + 1))

    def draw(fig) -> None:
        ax = fig.add_subplot()
        bars = ax.bar(values, shares, color=BAR_COLOUR)
        for bar, share in zip(bars, shares, strict=True):
            ax.annotate(
                f"{share:.0f} %",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xticks(values)
        ax.set_xlabel(axis_label)
        ax.set_ylim(0, max(shares) * 1.2)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)

    svg = draw_svg(draw, width=5.0, height=2.6)
    return clean_svg(svg, id_prefix=prefix, title=title, font_family=FONT)


@cached
def module_means_svg(
    *,
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    x_labels: Sequence[str],
    title: str,
    y_label: str,
    prefix: str,
) -> str | None:
    """One line per module through its mean in each round; hidden rounds leave a gap."""
    if not any(v is not None for _, values in series for v in values):
        return None
    xs = list(range(len(x_labels)))

    def draw(fig) -> None:
        ax = fig.add_subplot()
        for index, (label, values) in enumerate(series):
            ys = [float(v) if v is not None else float("nan") for v in values]
            ax.plot(
                xs,
                ys,
                marker="o",
                label=label,
                color=LINE_COLOURS[index % len(LINE_COLOURS)],
                linewidth=1.5,
            )
        ax.set_xticks(xs, list(x_labels))
        ax.set_ylim(1, 6)
        ax.set_ylabel(y_label)
        ax.grid(axis="y", linewidth=0.5, color="#cccccc")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8, frameon=False, ncols=2
        )

    svg = draw_svg(draw, width=6.0, height=3.6)
    return clean_svg(svg, id_prefix=prefix, title=title, font_family=FONT)
