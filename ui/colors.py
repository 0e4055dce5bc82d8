"""One colour per class, the same on every page and every plot.

Okabe & Ito's colour-blind-safe palette (8 colours), extended with two of Paul Tol's
"muted" colours to reach the 10 MNIST digits. Class ``i`` always gets ``CLASS_COLORS[i]``.
"""

from __future__ import annotations

CLASS_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#882255",  # wine (Tol)
    "#999933",  # olive (Tol)
    "#332288",  # indigo (Tol)
    "#44AA99",  # teal (Tol)
)

TARGET_OUTLINE = "#000000"  # outlines the true class in tables and heat maps
NEUTRAL = "#7F7F7F"  # curves and guides that belong to no class


def class_color(index: int) -> str:
    """The colour of class ``index`` (cycling if there were ever more than 10)."""
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def class_colors(n_classes: int) -> list[str]:
    return [class_color(i) for i in range(n_classes)]
