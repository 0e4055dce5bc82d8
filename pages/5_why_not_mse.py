"""Page 5 · Why not MSE? Cross-entropy, MSE on the probabilities and the hinge, side by side.

Reads like the lesson: one set of logits and one true class; three losses read them; move
the true class's logit from very wrong to very right and watch each loss and its gradient;
then let gradient descent run on each loss from the same start.

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.why_not_mse` → draw.
The text a move changes (the stage's other two losses, the table, the probabilities, the
race's outcome, the PyTorch code) is one element per place, :mod:`ui.details`.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.details import code, details, markdown, metric, metrics, paragraph, table, text
from ui.lesson_state import LessonState, Stage, lesson_fragment, lesson_state, section, stage
from ui.logit_rows import logit_rows, rerun_if_story_changed, story_picker
from ui.text import fmt
from ui.url_state import LOGIT_LIMIT, Field, encode_float, parse_float, parse_float_list, parse_int
from ui.url_state import encode_float_list as encode_logits
from ui.why_not_mse_figures import gradient_figure, race_figure, sweep_figure
from ui.widgets import show_figure
from xent_core.lessons import WhyNotMseView, why_not_mse
from xent_core.lessons.why_not_mse import (
    CLASS_NAMES,
    DEFAULT_LR,
    DEFAULT_PRESET,
    DEFAULT_STEPS,
    MAX_STEPS,
    PRESETS,
)

PAGE = "mse"
TITLE = "5 · Why not MSE?"
INTRO = (
    "Three losses read the same **logits**: cross-entropy, MSE on the softmax probabilities, "
    "and the hinge. Make the model *confidently wrong* and see which one still pushes the "
    "true class up."
)
LR_RANGE = (0.1, 10.0)
STEPS_RANGE = (1, min(200, MAX_STEPS))
N = len(CLASS_NAMES)
START_LOGITS, START_TARGET = PRESETS[DEFAULT_PRESET]

FIELDS = (
    Field("x", tuple(START_LOGITS), parse_float_list(N, N, -LOGIT_LIMIT, LOGIT_LIMIT),
          encode_logits, label="logits"),
    Field("target", START_TARGET, parse_int(0, N - 1), label="true class"),
    Field("lr", DEFAULT_LR, parse_float(*LR_RANGE), encode_float, label="learning rate"),
    Field("steps", DEFAULT_STEPS, parse_int(*STEPS_RANGE), label="number of steps"),
)
STORIES = {name: {"x": tuple(logits), "target": target}
           for name, (logits, target) in PRESETS.items()}


def story_now(state: LessonState) -> dict:
    return {"x": tuple(state["x"]), "target": state["target"]}


# ----------------------------------------------------------------------------- the stage


def controls(state: LessonState) -> DeltaGenerator:
    """The story and the true class (drawn by the full run: either changes the whole lesson)
    around the place of the logit rows, which the lesson fragment fills."""
    story_picker(state, STORIES, story_now)
    rows_slot = st.container()
    st.radio("The true class", options=list(range(N)), format_func=CLASS_NAMES.__getitem__,
             key=state.key("target"), horizontal=True)
    return rows_slot


def sweep_slot(on_stage: Stage) -> DeltaGenerator:
    """The sweep's place on the stage, above its one-line reading (drawn by the full run: it
    never changes, so a move does not resend it)."""
    with on_stage.charts:
        slot = st.container()
        st.markdown(
            "**Confidently wrong (left): MSE's gradient is flat (≈ 0), cross-entropy's stays "
            "near −1.** Only cross-entropy fixes its worst mistakes fast.")
    return slot


def draw_stage(view: WhyNotMseView, on_stage: Stage, sweep: DeltaGenerator) -> None:
    ce, mse, hinge = view.readings
    true_name = CLASS_NAMES[view.target]
    show_figure(sweep_figure(
        view.sweep_logits, view.sweep_probabilities,
        [r.sweep_loss for r in view.readings], [r.sweep_grad for r in view.readings],
        view.logits[view.target], [r.loss for r in view.readings],
        [r.grad[view.target] for r in view.readings],
        true_name=true_name, log_base=view.log_base), key=f"{PAGE}.fig.sweep", container=sweep)
    on_stage.show_loss("Cross-entropy", ce.loss, view.log_base.unit,
                       help="−log p of the true class: F.cross_entropy(x, y).")
    # the other two losses, one under the other as st.metric draws them, and their pushes
    details(
        f"{PAGE}.details.losses",
        metrics(metric("MSE on probabilities", fmt(mse.loss, 4), border=True,
                       help="Mean of (p − one-hot)² over the classes; no log, so no unit.")),
        metrics(metric("Multiclass hinge", fmt(hinge.loss, 4), border=True,
                       help="Mean over the classes of max(0, 1 − x_true + x_other).")),
        markdown(
            f"p({true_name}) = {fmt(view.probabilities[view.target], 4)}. Push on "
            f"{true_name}'s logit (gradient): CE **{fmt(ce.grad[view.target], 5)}**, "
            f"MSE **{fmt(mse.grad[view.target], 5)}**, hinge "
            f"**{fmt(hinge.grad[view.target], 5)}**."),
        container=on_stage.loss)


# --------------------------------------------------------------------------- the details


def readings_table(view: WhyNotMseView) -> str:
    """Values and gradients as a table: one row per loss, its PyTorch call as code."""
    unit = view.log_base.unit
    readings = view.readings
    columns = {
        "loss": [r.name for r in readings],
        "value": [fmt(r.loss, 4) + (f" {unit}" if i == 0 else "")
                  for i, r in enumerate(readings)],
        **{f"∂/∂x {name}": [fmt(r.grad[c], 5) for r in readings]
           for c, name in enumerate(CLASS_NAMES)},
        "PyTorch": [f"`{r.torch_call}`" for r in readings],
    }
    return table(columns, label="Each loss's value and gradients", left=("loss", "PyTorch"),
                 row_header="loss", markdown=("PyTorch",))


@dataclass(frozen=True)
class Details:
    """Where the lesson fragment writes below the stage. The full run draws the headings, the
    fixed prose and the race's learning rate and steps (they rerun the page), so a move
    resends only the charts and the numbers: one element of :mod:`ui.details` per place."""

    table: DeltaGenerator
    gradients: DeltaGenerator
    probabilities: DeltaGenerator
    race: DeltaGenerator
    code: DeltaGenerator


def details_layout(state: LessonState) -> Details:
    """Below the stage: the three losses' values and gradients side by side, the race of
    gradient descent on each (its learning rate and steps rerun the page), the same in
    PyTorch."""
    table_slot = section("Values and gradients with respect to every logit")
    figure_col, text_col = st.columns([1.4, 1], gap="large")
    probabilities = text_col.container()
    text_col.markdown(
        "- **Cross-entropy**: gradient p − one-hot. The true class's entry is p − 1, close to "
        "−1 when p is tiny: the worse the mistake, the harder the push.\n"
        "- **MSE on probabilities**: the gradient passes back through softmax and picks up a "
        "factor p(true) on the way; when p(true) ≈ 0 it vanishes.\n"
        "- **Hinge**: pushes with a fixed 1/C per rival inside the margin of 1, and stops "
        "completely once the true logit leads every rival by 1.")
    st.subheader("The race: gradient descent on each loss from the same start")
    lr_col, steps_col = st.columns(2)
    lr_col.slider("Learning rate lr (every step: x ← x − lr · gradient)", *LR_RANGE, step=0.1,
                  key=state.key("lr"))
    steps_col.slider("Steps", *STEPS_RANGE, key=state.key("steps"))
    race_slot = st.container()
    with st.expander("The same three losses in PyTorch"):
        code_slot = st.container()
    return Details(table_slot, figure_col.container(), probabilities, race_slot, code_slot)


def side_by_side(view: WhyNotMseView, place: Details) -> None:
    details(f"{PAGE}.details.table", readings_table(view), container=place.table)
    show_figure(gradient_figure([r.grad for r in view.readings], CLASS_NAMES, view.target),
                key=f"{PAGE}.fig.grad", container=place.gradients)
    probabilities = ", ".join(f"{name} {fmt(p, 4)}"
                              for name, p in zip(CLASS_NAMES, view.probabilities, strict=True))
    one_hot = ", ".join(fmt(v, 0) for v in view.one_hot)
    details(f"{PAGE}.details.probabilities", paragraph(text(
        f"Softmax probabilities: {probabilities}. The one-hot target MSE compares them with: "
        f"({one_hot}).")), container=place.probabilities)


def race(view: WhyNotMseView, place: Details) -> None:
    true_name = CLASS_NAMES[view.target]
    show_figure(race_figure([r.race_loss for r in view.readings],
                            [r.race_target_probability for r in view.readings],
                            true_name=true_name, log_base=view.log_base, lr=view.lr),
                key=f"{PAGE}.fig.race", container=place.race)
    finals = "; ".join(f"{r.name} {fmt(r.race_target_probability[-1], 4)}"
                       for r in view.readings)
    details(f"{PAGE}.details.race", paragraph(text(
        f"After {view.steps} steps, p({true_name}) is: {finals}. Each loss is drawn on its "
        "own scale (left); p of the true class (right) is the score all three share.")),
        container=place.race)


def pytorch_code(view: WhyNotMseView, place: Details) -> None:
    logits = ", ".join(f"{v:g}" for v in view.logits)
    details(f"{PAGE}.details.code", code(
        "import torch, torch.nn.functional as F\n"
        f"x = torch.tensor([[{logits}]], dtype=torch.float64, requires_grad=True)\n"
        f"y = torch.tensor([{view.target}]); C = {N}\n"
        + "".join(f"{r.torch_call}.backward(); print(x.grad); x.grad = None\n"
                  for r in view.readings),
        language="python", label="The same three losses in PyTorch"), container=place.code)


# ------------------------------------------------------------------------------- page


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, sweep: DeltaGenerator, place: Details) -> None:
    """Everything a move of a logit changes: the logit rows (drawn here, in the controls),
    the three losses and their gradients, and the race (a :func:`lesson_fragment`: a move
    reruns it alone and updates the charts and numbers in their places; the first move off
    a story reruns the page, whose box then says so)."""
    rerun_if_story_changed(state, STORIES, story_now)
    # The rows' edits have already written this run's inputs: the core call comes first.
    view = why_not_mse(state["x"], state["target"], lr=state["lr"], steps=state["steps"],
                       log_base=state.base)
    logit_rows(state, "x", CLASS_NAMES)
    draw_stage(view, on_stage, sweep)
    side_by_side(view, place)
    race(view, place)
    pytorch_code(view, place)


def why_not_mse_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="why-not-mse")
    on_stage = stage(state, widths=(2.1, 2.7, 1.7))
    with on_stage.controls:
        rows_slot = controls(state)
    sweep, place = sweep_slot(on_stage), details_layout(state)
    with rows_slot:
        lesson(state, on_stage, sweep, place)


why_not_mse_page()
