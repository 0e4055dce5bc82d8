"""A Plotly figure from a plain dict, without Plotly's per-property validation or copies.

Building a ``go.Figure`` validates every property of every trace: on lessons 7 and 8 that is
most of a rerun's figure time (several ms per figure, on every slider move, for every student).
The builders that use :func:`figure_from_spec` write fixed, known structures; the tests
validate each of them with :func:`checked` (``tests/test_figures_overflow_soft_labels.py``,
``tests/test_chart_style.py``), so a typo in a property name still fails a test instead of
being dropped by plotly.js.

``ui.widgets.show_figure`` then asks the figure for ``to_dict()``, and Plotly's ``to_dict``
deep-copies the whole figure, its template included: about 0.7 ms per chart per move, more
than building it. A :class:`SpecFigure` answers ``to_dict()`` with the spec it was built from
(and the template Plotly would add, which ``show_figure`` leaves out), and builds no
``go.Figure`` unless something reads one of its properties (even unvalidated, that build was
a quarter of a move's server time on lesson 5), so a chart costs one JSON encoding.
"""

from __future__ import annotations

import functools

import plotly.graph_objects as go
import plotly.io as pio


class SpecFigure:
    """A figure as the trusted ``{"data": [...], "layout": {...}}`` spec the browser draws.

    ``to_dict()`` returns that spec (with the default template in ``layout.template``, as
    Plotly's own ``to_dict`` has it) without copying it, and that is all a page asks of it:
    ``ui.widgets.show_figure`` sends the spec. Any other attribute (``figure.data[0].y``,
    ``figure.layout.title.text``, as the tests read them) is the ``go.Figure`` of the spec,
    built on first use (:attr:`figure`, unvalidated, without the template): building it is
    most of a chart's server time on a move, so a page never does.

    A SpecFigure is never changed after it is built: ``update_layout``, ``add_trace`` and the
    like would change only :attr:`figure`, not what is sent. Build a new one instead (they are
    cheap), or use a ``go.Figure``.
    """

    def __init__(self, spec: dict) -> None:
        self._spec = spec

    def to_dict(self) -> dict:
        layout = self._spec.get("layout", {})
        if "template" not in layout:
            layout = {**layout, "template": _template(pio.templates.default)}
        return {**self._spec, "layout": layout}

    @functools.cached_property
    def plain(self) -> dict:
        """The spec without a template (:func:`plain_spec`), made once."""
        return _without_template(self._spec)

    @functools.cached_property
    def json(self) -> str:
        """The plain spec as the JSON a chart is sent as, made once: a figure that a cache
        shares is encoded once, not on every run."""
        return pio.to_json(self.plain, validate=False)

    @functools.cached_property
    def figure(self) -> go.Figure:
        """The spec as a ``go.Figure`` (unvalidated; an empty template, so that go.Figure
        does not deep-copy the default one into it)."""
        layout = self._spec.get("layout", {})
        return go.Figure({**self._spec, "layout": {"template": {}, **layout}}, _validate=False)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # never for private names (copy and pickle probe them)
            raise AttributeError(name)
        return getattr(self.figure, name)


def plain_spec(figure) -> dict:
    """A figure (``go.Figure``, :class:`SpecFigure` or its dict) as ``{"data", "layout"}``
    without Plotly's template: :func:`ui.live_chart.live_chart` themes it in the browser."""
    if isinstance(figure, SpecFigure):
        return figure.plain
    return _without_template(figure if isinstance(figure, dict) else figure.to_dict())


def _without_template(spec: dict) -> dict:
    layout = {k: v for k, v in spec.get("layout", {}).items() if k != "template"}
    return {"data": spec.get("data", []), "layout": layout}


@functools.cache
def _template(name: str) -> dict:
    """A template as a dict, made once per name (Streamlit's chart theme sets the default);
    it is shared, and no caller changes it."""
    return pio.templates[name].to_plotly_json()


def figure_from_spec(spec: dict) -> SpecFigure:
    """``go.Figure(spec)`` without validation or copies: the caller's spec is trusted (and
    tested), and neither the spec nor the figure is changed afterwards."""
    return SpecFigure(spec)


def frozen(figure: go.Figure) -> SpecFigure:
    """A built ``go.Figure`` as the SpecFigure of its dict, for a figure a cache keeps and
    shares (never changed again): drawing it then costs no deep copy and, after the first
    time, no JSON encoding."""
    return SpecFigure(figure.to_dict())


def checked(figure: go.Figure) -> go.Figure:
    """The same figure rebuilt with Plotly's validation: raises ``ValueError`` on any
    property Plotly does not know."""
    return go.Figure(figure.to_dict())
