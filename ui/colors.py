"""One colour per class, the same on every page, every plot and both themes.

Charts follow the app's light or dark theme live: :mod:`ui.live_chart` fills in the
background, text and grid colours of the theme the browser shows -- also right after a learner
switches the theme in the app menu (⋮ → System / Light / Dark), which does not rerun the
script. So figures set no background or text colour themselves, and every colour they do set
must read on both backgrounds:

* class colours: Okabe & Ito's colour-blind-safe hues (extended with Paul Tol's for the 10
  MNIST digits), each adjusted in lightness so that it has a contrast of at least 3:1 (WCAG's
  figure for graphics) against the light *and* the dark background;
* :data:`INK`, for outlines, arrows and guide lines that must stand out like text: a
  placeholder colour that the chart replaces with the theme's text colour (near black on
  light pages, near white on dark ones). Outside the app it stays near-black.

Class ``i`` always gets ``CLASS_COLORS[i]``.
"""

from __future__ import annotations

LIGHT_BACKGROUND = "#FFFFFF"  # Streamlit 1.67's light theme background
DARK_BACKGROUND = "#171614"  # Streamlit 1.67's dark theme background

CLASS_COLORS = (
    "#0072B2",  # blue (Okabe & Ito)
    "#C27C0E",  # orange (Okabe & Ito's #E69F00, darkened to read on white)
    "#009E73",  # bluish green (Okabe & Ito)
    "#CC79A7",  # reddish purple (Okabe & Ito)
    "#3C9BD6",  # sky blue (Okabe & Ito's #56B4E9, darkened)
    "#D55E00",  # vermillion (Okabe & Ito)
    "#AA4499",  # purple (Tol)
    "#999933",  # olive (Tol)
    "#8A79D6",  # indigo (Tol's #332288, lightened to read on dark)
    "#33A08F",  # teal (Tol's #44AA99, darkened)
)

# ui.live_chart swaps this placeholder for the theme's text colour (the same placeholder as
# Streamlit's own chart theme, streamlit_plotly_theme.GRAY_90).
INK = "#000037"
TARGET_OUTLINE = INK  # outlines the true class in bars and heat maps
NEUTRAL = "#808495"  # curves and guides that belong to no class (3:1 on both backgrounds)
MARKER_EDGE = "rgba(128, 128, 128, 0.9)"  # thin edge that separates touching markers


def class_color(index: int) -> str:
    """The colour of class ``index`` (cycling if there were ever more than 10)."""
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def class_colors(n_classes: int) -> list[str]:
    return [class_color(i) for i in range(n_classes)]


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a ``#RRGGBB`` colour (0 = black, 1 = white)."""
    text = color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected a colour like #1A2B3C, got {color!r}")
    channels = [int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio ``(L1 + 0.05) / (L2 + 0.05)`` of two colours, from 1 to 21."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
