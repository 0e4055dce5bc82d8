"""Page 7 · Numbers that overflow: softmax by hand against the stable routes, in three precisions.

Reads like the lesson: drag the logits (or add the same c to all of them) until e^x no longer
fits in float16, float32, float64; the by-hand softmax turns into ∞ / ∞ = NaN while the
max-subtracted and log-sum-exp routes stay right. Then log(softmax(x)) against log_softmax(x).

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.overflow` → draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import url_state as url
from ui.lesson_state import (
    LessonState,
    Stage,
    finish_fragment,
    lesson_state,
    section,
    stage,
)
from ui.logit_rows import logit_rows, number_row
from ui.overflow_figures import precision_figure
from ui.text import fmt, markdown_table
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
    """Examples, a row per logit (slider and exact box), the true class, and the shift c."""
    st.session_state[state.private("preset")] = current_preset(state)
    st.selectbox("Example", options=list(PRESETS), key=state.private("preset"),
                 on_change=apply_preset, args=(state,), placeholder="Your own logits",
                 help="Each example puts the logits where one precision breaks.")
    names = class_names(len(state["x"]))
    logit_rows(state, "x", names, slider_limit=SLIDER_LIMIT, step=0.1)
    st.radio("True class", options=list(range(len(names))), format_func=names.__getitem__,
             key=state.key("target"), horizontal=True)
    st.caption("Add the same c to every logit: softmax should not notice.")
    number_row(state, "c", "Shift c", "c", slider_limit=SHIFT_SLIDER_LIMIT, step=1.0,
               says="shift")


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
    on_stage.loss.markdown("\n\n".join(lines))


def routes_table(view: OverflowView) -> str:
    """Every route's numbers, one column per precision, as a markdown table."""
    names = class_names(len(view.logits))
    f16, f32, f64 = view.routes

    def row(label: str, pick) -> list[str]:
        return [label, *(pick(r) for r in (f16, f32, f64))]

    def values(field: str, digits: int = 4):
        return lambda r: ", ".join(fmt(v, digits) for v in getattr(r, field))

    rows = [
        row("logits + c, as the dtype stores them", values("logits", 3)),
        row("e^x overflows above", lambda r: fmt(r.overflow_threshold, 2)),
        row("room left for the largest logit", lambda r: fmt(r.overflow_headroom, 2)),
        row("**by hand**: e^x", values("exp_by_hand")),
        row("sum of e^x", lambda r: fmt(r.sum_exp_by_hand)),
        row("e^x ÷ sum", values("softmax_by_hand")),
        row("**max subtracted**: e^(x − max)", values("exp_max_subtracted")),
        row("sum of e^(x − max)", lambda r: fmt(r.sum_exp_max_subtracted)),
        row("e^(x − max) ÷ sum", values("softmax_max_subtracted")),
        row("**log-sum-exp** by hand: log Σ e^x", lambda r: fmt(r.logsumexp_by_hand)),
        row("max + log Σ e^(x − max)", lambda r: fmt(r.logsumexp)),
        row("e^(x − logsumexp)", values("softmax_via_logsumexp")),
    ]
    return (markdown_table(["", "float16", "float32", "float64"], rows)
            + f"\n\nClasses in order: {', '.join(names)}.")


def log_table(view: OverflowView) -> str:
    """log(softmax(x)) against log_softmax(x): loss and gradient per precision."""
    unit = view.log_base.unit
    header = ["", "loss −log(softmax(x))[y]", "gradient through log(softmax)",
              "loss −log_softmax(x)[y]", "gradient of log_softmax"]
    return markdown_table(header, [
        [r.dtype, f"{fmt(r.loss_log_of_softmax)} {unit}",
         ", ".join(fmt(g) for g in r.grad_log_of_softmax),
         f"{fmt(r.loss_log_softmax)} {unit}", ", ".join(fmt(g) for g in r.grad_log_softmax)]
        for r in view.routes])


def shift_table(view: OverflowView) -> str:
    """How much each route moved when c was added (NaN: the route broke)."""
    return markdown_table(["", "by hand", "max subtracted", "log_softmax"], [
        [r.dtype, fmt(r.shift_change_by_hand), fmt(r.shift_change_max_subtracted),
         fmt(r.shift_change_log_softmax)]
        for r in view.routes])


@dataclass(frozen=True)
class Details:
    """Where the lesson fragment writes below the stage: the full run draws the headings,
    the fixed prose and the PyTorch code, so a move resends only the tables and the notes
    with numbers in them."""

    routes: DeltaGenerator
    logs: DeltaGenerator
    shift: DeltaGenerator


def details_layout() -> Details:
    """Every route step by step, log(softmax) against log_softmax, shift invariance."""
    routes = section("Every route, step by step")
    st.markdown(
        "By hand, a single e^x above the threshold is ∞, so the sum is ∞ and every p is "
        "∞ ÷ ∞ or x ÷ ∞: NaN and 0. Subtracting the largest logit first makes every exponent "
        "≤ 0, so every e^(x − max) lies between 0 and 1 and nothing overflows; the division "
        "cancels the e^(−max), so the probabilities are the same. Log-sum-exp is the same trick "
        "written as a log: log Σ e^x = max + log Σ e^(x − max).")
    logs = section("log(softmax(x)) against log_softmax(x)")
    shift = section("Shift invariance: add c to every logit")
    with st.expander("The same in PyTorch"):
        st.code(
            "x = torch.tensor([12.0, 10.0, 3.0], dtype=torch.float16)\n"
            "x.exp() / x.exp().sum()        # tensor([nan, 0., 0.]): e^12 > 65504\n"
            "torch.softmax(x, dim=0)         # subtracts the max: right\n"
            "torch.log(torch.softmax(x, 0))  # -inf once a p underflows\n"
            "torch.log_softmax(x, dim=0)     # finite\n"
            "torch.logsumexp(x, dim=0)       # max + log(sum(exp(x - max)))",
            language="python")
    return Details(routes, logs, shift)


def draw_details(view: OverflowView, details: Details) -> None:
    details.routes.markdown(routes_table(view))
    details.logs.markdown(
        log_table(view) + "\n\n"
        "When a class trails the largest logit by more than about "
        f"{fmt(view.float16.underflow_gap, 1)} (float16), {fmt(view.float32.underflow_gap, 1)} "
        f"(float32) or {fmt(view.float64.underflow_gap, 1)} (float64), its probability "
        "underflows to 0 and log(0) is −∞. If that class is the true one, the loss is ∞; "
        "either way the gradient through the log divides by that 0 (0 ÷ 0 = NaN), and the NaN "
        "spreads to every weight at the next step. `log_softmax` computes "
        "(x − max) − log Σ e^(x − max) and never takes the log of 0: the loss stays finite and "
        "the gradient is softmax − one-hot. Try the example *log of 0*. That is why PyTorch's "
        "`F.cross_entropy` takes logits and calls `log_softmax` itself.")
    details.shift.markdown(
        f"c = {fmt(view.shift, 3)}. Softmax only sees the gaps between logits: e^(x + c) = "
        "e^x · e^c, and e^c cancels in the division. The table gives the largest change in any "
        "probability (log-probability for log_softmax) between the logits with and without c; "
        "NaN means the route broke.\n\n" + shift_table(view))


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


@st.fragment
def lesson(state: LessonState, on_stage: Stage, chart: DeltaGenerator,
           details: Details) -> None:
    """Everything a move changes: the logits, the three routes in three precisions and their
    tables (an ``st.fragment``: a move reruns it alone, see ``finish_fragment``)."""
    with on_stage.controls:
        controls(state)
    view = overflow(state["x"], state["target"], state["c"], log_base=state.base)
    show_figure(precision_chart(tuple(state["x"]), state["target"], state["c"], view),
                key=f"{PAGE}.fig.precision", container=chart)
    loss_panel(view, on_stage)
    draw_details(view, details)
    finish_fragment()


def overflow_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="numbers-that-overflow", check=check_link)
    on_stage = stage(state, widths=(2.1, 3.1, 1.8))
    lesson(state, on_stage, chart_slot(on_stage), details_layout())


overflow_page()
