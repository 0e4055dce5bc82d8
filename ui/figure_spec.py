"""A Plotly figure from a plain dict, without Plotly's per-property validation.

Building a ``go.Figure`` validates every property of every trace: on lessons 7 and 8 that is
most of a rerun's figure time (several ms per figure, on every slider move, for every student).
The builders that use :func:`figure_from_spec` write fixed, known structures; the tests
validate each of them with :func:`checked` (``tests/test_figures_overflow_soft_labels.py``),
so a typo in a property name still fails a test instead of being dropped by plotly.js.

(Kept out of :mod:`ui.figures` while that module is being reworked for themes; it could move
there.)
"""

from __future__ import annotations

import plotly.graph_objects as go


def figure_from_spec(spec: dict) -> go.Figure:
    """``go.Figure(spec)`` without validation: the caller's spec is trusted (and tested)."""
    return go.Figure(spec, _validate=False)


def checked(figure: go.Figure) -> go.Figure:
    """The same figure rebuilt with Plotly's validation: raises ``ValueError`` on any
    property Plotly does not know."""
    return go.Figure(figure.to_dict())
