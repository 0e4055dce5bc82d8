"""How the app reads on a screen: readable text everywhere, and presenter mode for projecting.

* :data:`READABLE_CSS` (always on) keeps every text at 4.5:1 contrast or more in both themes:
  Streamlit draws captions (and inline code inside them) in a faded grey that measures 3.9:1;
  here they take the text colour of the theme, unfaded. It also lets a row of choice buttons
  wrap on a phone instead of hiding the ones that do not fit.
* Presenter mode (a sidebar toggle, and ``present=1`` in the link so a teacher can send it) is
  for a projector: body text, numbers, metric values, axis ticks and chart labels at least
  20 px, the sidebar collapsed, secondary captions folded away. Charts are scaled by
  :func:`ui.figures.present` (in ``ui.widgets.show_figure``); the page by
  :data:`PRESENTER_CSS`.

Streamlit's own menu (⋮, top right) holds the theme choice: System, Light or Dark.
"""

from __future__ import annotations

import streamlit as st

from ui.lesson_state import PRESENT, shell_key

READABLE_CSS = """
/* The stage's loss (a metric in a narrow column) wraps instead of being cut with "…": the
   number and its unit ("0.3313 hartleys") and the label must read in full. */
.st-key-lesson-stage [data-testid="stMetricValue"],
.st-key-lesson-stage [data-testid="stMetricValue"] *,
.st-key-lesson-stage [data-testid="stMetricLabel"] * {
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] code {
  color: inherit;
  opacity: 1;  /* Streamlit fades captions with opacity as well as colour */
}
[data-testid="stMarkdownContainer"] code { font-size: 0.9em; }
/* Code blocks colour numbers teal (#29B09D): 2.6:1 on the light theme's code background, and
   no one teal passes on both themes' backgrounds; numbers take the code's own text colour. */
[data-testid="stCode"] .token.number { color: inherit; }
/* White text on the primary colour: the dark theme's red (#FF7A7A, chosen so red text reads
   on the dark page) gives it only 2.5:1. Primary buttons and multiselect tags keep the light
   theme's red (#C62828, 5.6:1 with white) in both themes. */
[data-testid^="stBaseButton-primary"], [data-tag] {
  background-color: #C62828 !important; border-color: #C62828 !important; color: #FFFFFF;
}
[data-testid^="stBaseButton-primary"]:hover, [data-testid^="stBaseButton-primary"]:focus-visible {
  background-color: #A31F1F !important; border-color: #A31F1F !important;
}
[data-testid^="stBaseButton-primary"] *, [data-tag] * { color: #FFFFFF; }
[data-testid="stButtonGroup"] > div { flex-wrap: wrap; }
@media (max-width: 640px) {
  /* On a phone the stage reads: what a learner moves, the loss, then the charts it drives
     (Streamlit stacks the stage's three columns; the loss moves up, ahead of the charts). */
  .st-key-lesson-stage > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]
    > [data-testid="stColumn"]:nth-child(2) { order: 2; }
  .st-key-lesson-stage > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]
    > [data-testid="stColumn"]:nth-child(3) { order: 1; }
  /* A row of controls inside the stage (a class's name, slider and exact box; a row of
     boxes), and reset beside copy link, stay one line instead of one line per widget. */
  .st-key-lesson-stage [data-testid="stColumn"] [data-testid="stHorizontalBlock"],
  .st-key-lesson-actions [data-testid="stHorizontalBlock"] {
    flex-wrap: nowrap; gap: 0.5rem;
  }
  .st-key-lesson-stage [data-testid="stColumn"] [data-testid="stHorizontalBlock"]
    > [data-testid="stColumn"] { min-width: 0 !important; }
  .st-key-lesson-stage [data-testid="stColumn"] [data-testid="stHorizontalBlock"]
    > [data-testid="stColumn"]:has([data-testid^="stBaseButton"]) {
    flex: 0 0 auto !important; width: auto !important; min-width: 2.5rem !important;
  }
  h1 { font-size: 2rem !important; }
  /* Reset and copy link share the row equally; their labels wrap. */
  .st-key-lesson-actions [data-testid="stColumn"] {
    min-width: 0 !important; flex: 1 1 0 !important;
  }
  .st-key-lesson-actions button { width: 100%; }
  .st-key-lesson-actions button p { white-space: normal; text-align: left; }
  /* On a phone a code block wraps instead of scrolling sideways (a scrolling box would
     need keyboard focus of its own). */
  pre, pre code, [data-testid="stCode"] pre, [data-testid="stCode"] code {
    white-space: pre-wrap; overflow-wrap: anywhere;
  }
  pre { overflow: visible !important; max-height: none !important; }
}
"""

PRESENTER_CSS = """
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] [data-testid="stMetricLabel"] p,
[data-testid="stMain"] input, [data-testid="stMain"] label p,
[data-testid="stMain"] [data-testid="stTickBarMin"],
[data-testid="stMain"] [data-testid="stTickBarMax"] {
  font-size: 22px !important;
  line-height: 1.45;
}
[data-testid="stMain"] button p {
  font-size: 20px !important;
  white-space: normal;  /* a long button label wraps instead of being cut with "…" */
}
[data-testid="stMain"] [data-testid="stSliderThumbValue"] p { font-size: 20px !important; }
[data-testid="stMain"] [data-testid="stSlider"] { padding-top: 0.6rem; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] *,
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  font-size: 44px !important;
  line-height: 1.2;
}
/* The stage on one 1366x768 screen: content starts right below Streamlit's 3.75rem toolbar
   (not 6rem down), and the title sits close to it. */
[data-testid="stMainBlockContainer"] { padding-top: 3.75rem !important; }
[data-testid="stMain"] h1 { padding-top: 0.25rem !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] code { font-size: 20px; }
[data-testid="stMain"] h1 { font-size: 40px !important; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 30px !important; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { display: none; }
"""


def presenter_toggle() -> bool:
    """The sidebar switch for presenter mode (its state is ``present=1`` in the link)."""
    st.sidebar.toggle(
        "Presenter mode",  # no icon: its shortcode would become the accessible name
        key=shell_key(PRESENT.name),
        help="For a projector: larger text, numbers and chart labels, captions folded away, "
        "the sidebar collapsed. The link then carries present=1: send it to open the "
        "page the same way.",
    )
    return presenting()


def presenting() -> bool:
    """Is presenter mode on in this session?"""
    return bool(st.session_state.get(shell_key(PRESENT.name), False))


def sidebar_state() -> str:
    """``initial_sidebar_state`` for ``st.set_page_config``: collapsed when presenting."""
    return "collapsed" if presenting() else "auto"


def style_page() -> None:
    """Add the app's CSS: always the readable-text rules, the presenter rules when on."""
    css = READABLE_CSS + (PRESENTER_CSS if presenting() else "")
    st.html(f"<style>{css}</style>")
