"""Page 7 · Numbers that overflow: softmax by hand against the stable routes, in three precisions.

Reads like the lesson: drag the logits (or add the same c to all of them) until e^x no longer
fits in float16, float32, float64; the by-hand softmax turns into ∞ / ∞ = NaN while the
max-subtracted and log-sum-exp routes stay right. Then log(softmax(x)) against log_softmax(x).

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.overflow` → draw.
A move sends the rows of logits and of c (one element) and one element that updates, in their places
(:mod:`ui.live`), the chart, the loss and two elements of text (:mod:`ui.details`): what each
precision's routes say beside the loss, and the sections below.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import url_state as url
from ui.details import details, heading, markdown, paragraph, table, text
from ui.lesson_state import (
    LessonState,
    Stage,
    lesson_fragment,
    lesson_state,
    rerun_if_example_left,
    section,
    stage,
)
from ui.logit_rows import NumberField, logit_rows
from ui.overflow_figures import precision_figure
from ui.text import fmt
from ui.widgets import show_figure
from xent_core.lessons import OverflowView, overflow
from xent_core.lessons.overflow import DEFAULT_PRESET, PRESETS

PAGE = "overflow"
SLIDER_LIMIT = 100.0  # logit sliders ±100 (float32 breaks near 88.72); boxes take ±LOGIT_LIMIT
SHIFT_SLIDER_LIMIT = 1000.0  # the shift slider reaches past float64's 709.78

TITLE = "Numbers that overflow"
INTRO = (
    "A computer's numbers stop somewhere: e^x is **∞** above x ≈ 11 in float16, 88 in float32, "
    "709 in float64. Drag the logits up and watch softmax **by hand** break while the "
    "**max-subtracted** and **log-sum-exp** routes stay right."
)

LOGIT_LIMIT = url.LOGIT_LIMIT  # the app's one limit for a logit, ±10 000 (≥ 709.78)
parse_logit = url.parse_float(-LOGIT_LIMIT, LOGIT_LIMIT)
_LOGITS, _TARGET, _SHIFT = PRESETS[DEFAULT_PRESET]
FIELDS = (
    url.Field("x", tuple(_LOGITS),
              url.parse_float_list(url.MIN_CLASSES, url.MAX_CLASSES, -LOGIT_LIMIT, LOGIT_LIMIT),
              url.encode_float_list, label="logits"),
    url.Field("target", _TARGET, url.parse_int(0, url.MAX_CLASSES - 1), label="true class"),
    url.Field("c", _SHIFT, parse_logit, url.encode_float, label="shift c"),
)


def check_link(state: LessonState) -> None:
    """A link's true class must be one of its classes; else the first class, with a note."""
    count = len(state["x"])
    if state["target"] < count:
        return
    state.note(f"The link's true class (number {state['target']}) is not one of its {count} "
               "classes; the first class is the true class instead.")
    state.set("target", 0)


def class_names(n: int) -> list[str]:
    return [f"class {i}" for i in range(n)]


# ------------------------------------------------------------------------- callbacks


def apply_preset(state: LessonState) -> None:
    name = st.session_state[state.private("preset")]
    if name is None:
        return
    logits, target, shift = PRESETS[name]
    state.set("x", tuple(logits))
    state.set("target", target)
    state.set("c", shift)


def current_preset(state: LessonState) -> str | None:
    """The example the inputs equal right now (None once the learner has moved something)."""
    for name, (logits, target, shift) in PRESETS.items():
        if (tuple(state["x"]) == tuple(logits) and state["target"] == target
                and state["c"] == shift):
            return name
    return None


# ---------------------------------------------------------------------------- controls


def controls(state: LessonState) -> None:
    """The examples and the true class (drawn by the full run: picking an example or a true
    class reruns the page, and every number follows); the lesson fragment draws the rows
    below them, which a move edits."""
    st.session_state[state.private("preset")] = current_preset(state)
    st.selectbox("Example", options=list(PRESETS), key=state.private("preset"),
                 on_change=apply_preset, args=(state,), placeholder="Your own logits",
                 help="Each example puts the logits where one precision breaks.")
    names = class_names(len(state["x"]))
    st.radio("True class", options=list(range(len(names))), format_func=names.__getitem__,
             key=state.key("target"), horizontal=True)


SHIFT = NumberField(
    "c", "Shift c", "c", -SHIFT_SLIDER_LIMIT, SHIFT_SLIDER_LIMIT, 1.0,
    lead="Add the same c to every logit: softmax should not notice.",
    head=("", f"shift (slider: −{SHIFT_SLIDER_LIMIT:g} to {SHIFT_SLIDER_LIMIT:g})",
          f"exact (±{LOGIT_LIMIT:,.0f})"))


def rows(state: LessonState) -> None:
    """A row per logit and one for the shift c, each a slider and an exact box: one element
    (a move sends it once)."""
    logit_rows(state, "x", class_names(len(state["x"])), slider_limit=SLIDER_LIMIT, step=0.1,
               after=(SHIFT,))


# ----------------------------------------------------------------------------- results


# The chart depends only on the logits, the true class and c (not on the log base): built
# once per set of inputs and shared by every session (never modified) — a class on the same
# example costs one build.
@st.cache_resource(max_entries=256, show_spinner=False)
def precision_chart(logits: tuple, target: int, shift: float, _view: OverflowView):
    return precision_figure(_view.routes, class_names(len(logits)), target)


def loss_panel(view: OverflowView, on_stage) -> None:
    """The stage's loss: the stable float64 route, then what each precision's routes say."""
    unit = view.log_base.unit
    on_stage.show_loss("Loss, log_softmax", view.float64.loss_log_softmax, unit,
                       help="−log_softmax(x + c)[true class] in float64: the stable route.")
    lines = []
    for r in view.routes:
        by_hand = ":red[**NaN**]" if r.by_hand_breaks else "right"
        lines.append(f"**{r.dtype}**: by hand {by_hand}; −log(softmax) "
                     f"{fmt(r.loss_log_of_softmax, 4)}, −log_softmax "
                     f"{fmt(r.loss_log_softmax, 4)}")
    details(f"{PAGE}.details.loss", markdown("\n\n".join(lines)), container=on_stage.loss)


def precision_table(label: str, columns: dict[str, list[str]], *,
                    markdown_rows: bool = False) -> str:
    """A table with one row per precision (or per step of a route, ``markdown_rows``: its
    name in bold where it starts a route), named in its first column ``""``."""
    first = next(iter(columns))
    return table(columns, label=label, left=(first,), titles={first: ""}, row_header=first,
                 markdown=(first,) if markdown_rows else ())


def routes_table(view: OverflowView) -> str:
    """Every route's numbers, one column per precision, then the classes' order."""
    names = class_names(len(view.logits))
    routes = dict(zip(("float16", "float32", "float64"), view.routes, strict=True))

    def values(field: str, digits: int = 4):
        return lambda r: ", ".join(fmt(v, digits) for v in getattr(r, field))

    steps = [
        ("logits + c, as the dtype stores them", values("logits", 3)),
        ("e^x overflows above", lambda r: fmt(r.overflow_threshold, 2)),
        ("room left for the largest logit", lambda r: fmt(r.overflow_headroom, 2)),
        ("**by hand**: e^x", values("exp_by_hand")),
        ("sum of e^x", lambda r: fmt(r.sum_exp_by_hand)),
        ("e^x ÷ sum", values("softmax_by_hand")),
        ("**max subtracted**: e^(x − max)", values("exp_max_subtracted")),
        ("sum of e^(x − max)", lambda r: fmt(r.sum_exp_max_subtracted)),
        ("e^(x − max) ÷ sum", values("softmax_max_subtracted")),
        ("**log-sum-exp** by hand: log Σ e^x", lambda r: fmt(r.logsumexp_by_hand)),
        ("max + log Σ e^(x − max)", lambda r: fmt(r.logsumexp)),
        ("e^(x − logsumexp)", values("softmax_via_logsumexp")),
    ]
    columns = {"step": [label for label, _ in steps],
               **{dtype: [pick(r) for _, pick in steps] for dtype, r in routes.items()}}
    return (precision_table("Every route, step by step, in each precision", columns,
                            markdown_rows=True)
            + paragraph(text(f"Classes in order: {', '.join(names)}.")))


def log_table(view: OverflowView) -> str:
    """log(softmax(x)) against log_softmax(x): loss and gradient per precision."""
    unit = view.log_base.unit
    routes = view.routes
    return precision_table("log(softmax(x)) against log_softmax(x), per precision", {
        "precision": [r.dtype for r in routes],
        "loss −log(softmax(x))[y]": [f"{fmt(r.loss_log_of_softmax)} {unit}" for r in routes],
        "gradient through log(softmax)": [", ".join(fmt(g) for g in r.grad_log_of_softmax)
                                          for r in routes],
        "loss −log_softmax(x)[y]": [f"{fmt(r.loss_log_softmax)} {unit}" for r in routes],
        "gradient of log_softmax": [", ".join(fmt(g) for g in r.grad_log_softmax)
                                    for r in routes]})


def shift_table(view: OverflowView) -> str:
    """How much each route moved when c was added (NaN: the route broke)."""
    routes = view.routes
    return precision_table("Largest change when c is added, per route and precision", {
        "precision": [r.dtype for r in routes],
        "by hand": [fmt(r.shift_change_by_hand) for r in routes],
        "max subtracted": [fmt(r.shift_change_max_subtracted) for r in routes],
        "log_softmax": [fmt(r.shift_change_log_softmax) for r in routes]})


WHY_ROUTES_DIFFER = (
    "By hand, a single e^x above the threshold is ∞, so the sum is ∞ and every p is "
    "∞ ÷ ∞ or x ÷ ∞: NaN and 0. Subtracting the largest logit first makes every exponent "
    "≤ 0, so every e^(x − max) lies between 0 and 1 and nothing overflows; the division "
    "cancels the e^(−max), so the probabilities are the same. Log-sum-exp is the same trick "
    "written as a log: log Σ e^x = max + log Σ e^(x − max).")


def details_layout() -> DeltaGenerator:
    """The first section's heading and the place of the sections below the stage, which the
    lesson fragment fills as one element (:func:`draw_details`); the PyTorch code after it."""
    place = section("Every route, step by step")
    with st.expander("The same in PyTorch"):
        st.code(
            "x = torch.tensor([12.0, 10.0, 3.0], dtype=torch.float16)\n"
            "x.exp() / x.exp().sum()        # tensor([nan, 0., 0.]): e^12 > 65504\n"
            "torch.softmax(x, dim=0)         # subtracts the max: right\n"
            "torch.log(torch.softmax(x, 0))  # -inf once a p underflows\n"
            "torch.log_softmax(x, dim=0)     # finite\n"
            "torch.logsumexp(x, dim=0)       # max + log(sum(exp(x - max)))",
            language="python")
    return place


def draw_details(view: OverflowView, place: DeltaGenerator) -> None:
    """Every route step by step, log(softmax) against log_softmax, shift invariance: one
    element of :mod:`ui.details`, with the headings and the fixed prose between the numbers
    (a move redraws one element here, not three)."""
    details(f"{PAGE}.details.sections", routes_table(view), markdown(WHY_ROUTES_DIFFER),
        heading("log(softmax(x)) against log_softmax(x)"), log_table(view), markdown(
        "When a class trails the largest logit by more than about "
        f"{fmt(view.float16.underflow_gap, 1)} (float16), {fmt(view.float32.underflow_gap, 1)} "
        f"(float32) or {fmt(view.float64.underflow_gap, 1)} (float64), its probability "
        "underflows to 0 and log(0) is −∞. If that class is the true one, the loss is ∞; "
        "either way the gradient through the log divides by that 0 (0 ÷ 0 = NaN), and the NaN "
        "spreads to every weight at the next step. `log_softmax` computes "
        "(x − max) − log Σ e^(x − max) and never takes the log of 0: the loss stays finite and "
        "the gradient is softmax − one-hot. Try the example *log of 0*. That is why PyTorch's "
        "`F.cross_entropy` takes logits and calls `log_softmax` itself."),
        heading("Shift invariance: add c to every logit"), markdown(
        f"c = {fmt(view.shift, 3)}. Softmax only sees the gaps between logits: e^(x + c) = "
        "e^x · e^c, and e^c cancels in the division. The table gives the largest change in any "
        "probability (log-probability for log_softmax) between the logits with and without c; "
        "NaN means the route broke."), shift_table(view), container=place)


def chart_slot(on_stage: Stage) -> DeltaGenerator:
    """The chart's place on the stage, above how to read it (drawn by the full run: the
    caption never changes, so a move does not resend it)."""
    with on_stage.charts:
        slot = st.container()
        st.caption("Each bar is one softmax, stacked by class (the true class outlined): "
                   "**hand** = e^x ÷ Σ e^x, **−max** = e^(x − max) ÷ Σ e^(x − max), "
                   "**LSE** = e^(x − logsumexp x). On top: the true class's probability; "
                   "✗ = by hand breaks in that precision.")
    return slot


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, chart: DeltaGenerator,
           below: DeltaGenerator) -> None:
    """Everything a move changes: the rows of logits and of c (drawn here, in the controls),
    the three routes in three precisions and their tables (a :func:`lesson_fragment`: a move
    reruns it alone and updates the chart and numbers in their places; the first move off an
    example reruns the page, whose box then says so)."""
    rerun_if_example_left(state, "preset", current_preset)
    rows(state)
    view = overflow(state["x"], state["target"], state["c"], log_base=state.base)
    show_figure(precision_chart(tuple(state["x"]), state["target"], state["c"], view),
                key=f"{PAGE}.fig.precision", container=chart)
    loss_panel(view, on_stage)
    draw_details(view, below)


def overflow_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="numbers-that-overflow", check=check_link)
    on_stage = stage(state, widths=(2.1, 3.1, 1.8))
    with on_stage.controls:
        controls(state)
        moves = st.container()
    chart, below = chart_slot(on_stage), details_layout()
    with moves:
        lesson(state, on_stage, chart, below)


overflow_page()
