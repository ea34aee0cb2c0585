"""Server-side SVG charts of the staff dashboard, drawn with pygal.

The SVG is inlined in the admin page, without JavaScript (no tooltips: values are
printed on the bars, and the table under each chart holds every figure). Text takes the
page's colour (``currentColor``), so that the chart reads in the admin's light and dark
themes alike; the series' colours are mid-tones that keep their contrast on both. The
drawing scales to its container's width (a phone included).
"""

from __future__ import annotations

import math
import re

import pygal
from django.utils.formats import number_format
from pygal.style import Style

from .dashboard import Chart

# Mid-tone colours, each with a contrast of at least 3:1 on white and on the admin's dark
# background (#1e1e1e): blue, orange, green, purple, red, teal, ochre, grey.
PALETTE = (
    "#3e7bd6",
    "#d97706",
    "#2f9e5b",
    "#9b59d0",
    "#d9463b",
    "#1a9fb0",
    "#b8860b",
    "#8a8f98",
    "#c2549b",
    "#5b8c2a",
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="currentColor",
    foreground_strong="currentColor",
    foreground_subtle="rgba(128, 128, 128, 0.35)",
    guide_stroke_color="rgba(128, 128, 128, 0.35)",
    major_guide_stroke_color="rgba(128, 128, 128, 0.5)",
    guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
    opacity="0.9",
    opacity_hover="1",
    transition="none",
    colors=PALETTE,
    font_family="inherit",
    label_font_family="inherit",
    major_label_font_family="inherit",
    value_font_family="inherit",
    value_label_font_family="inherit",
    legend_font_family="inherit",
    title_font_family="inherit",
    tooltip_font_family="inherit",
    no_data_font_family="inherit",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=13,
    value_colors=("currentColor",),
)

_KINDS = {
    "hbar": pygal.HorizontalBar,
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "line": pygal.Line,
}
# pygal's comments carry its version and the drawing's date, and its script only feeds
# tooltips, which are off: both go.
_COMMENTS = re.compile(r"<!--.*?-->|<script\b.*?</script>", re.S)


def _formatter(percent: bool):
    def format_value(value):
        if value is None:
            return ""
        text = number_format(
            value, decimal_pos=0 if float(value).is_integer() else 1, force_grouping=True
        )
        return f"{text} %" if percent else text

    return format_value


def render(chart: Chart) -> str:
    """The chart as an inline SVG element (a string of markup)."""
    labels = [str(label) for label in chart.labels]
    several = len(chart.series) > 1
    if chart.kind == "hbar":
        height = max(160, 36 * len(labels) * (len(chart.series) if several else 1) + 80)
        # pygal draws a horizontal bar chart's first label at the bottom: reverse both so
        # that the chart reads top to bottom in the table's order.
        labels = labels[::-1]
        series = [(name, list(values)[::-1]) for name, values in chart.series]
    else:
        height = 360
        series = [(name, list(values)) for name, values in chart.series]
    drawing = _KINDS[chart.kind](
        style=STYLE,
        width=800,
        height=height,
        js=[],
        disable_xml_declaration=True,
        show_legend=several,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(4, len(series)) or 1,
        print_values=chart.kind in ("hbar", "bar"),
        print_zeroes=False,
        show_y_guides=chart.kind != "hbar",
        show_x_guides=chart.kind == "hbar",
        x_label_rotation=0 if len(labels) <= 8 else 30,
        truncate_label=40,
        margin=12,
        spacing=8,
        value_formatter=_formatter(chart.percent),
        range=(0, 100) if chart.percent else None,
        include_x_axis=True,
    )
    drawing.x_labels = labels
    top = max((v for _name, values in series for v in values if v is not None), default=0)
    if not chart.percent and top <= 10:
        # Counts: whole numbers on the axis, never "0,5 ambassador".
        drawing.y_labels = list(range(0, math.ceil(top) + 1)) if top else [0, 1]
    for name, values in series:
        drawing.add(str(name), [None if v is None else float(v) for v in values])
    svg = drawing.render(is_unicode=True)
    svg = _COMMENTS.sub("", svg)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
