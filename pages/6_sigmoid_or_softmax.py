"""Page 6 · Sigmoid or softmax? The same scores read as "one class is true" or "any can be".

Reads like the lesson: four scores and a set of true labels; softmax + cross-entropy and
sigmoid + binary cross-entropy read them side by side; with two classes the two meet; then
binary cross-entropy on probabilities against the stable ``..._with_logits``, and
``pos_weight``.

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.sigmoid_or_softmax` → draw.
The text and numbers a move changes are one element of :mod:`ui.details` per place in the
layout (beside the chart, under the losses, and one per place below the stage).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.details import code, details, markdown, metric, metrics, table
from ui.lesson_state import LessonState, Stage, lesson_fragment, lesson_state, section, stage
from ui.logit_rows import logit_rows, rerun_if_story_changed, story_picker
from ui.sigmoid_softmax_figures import bce_routes_figure, probabilities_figure
from ui.text import fmt
from ui.url_state import LOGIT_LIMIT, Field, encode_float, parse_float, parse_float_list
from ui.url_state import encode_float_list as encode_scores
from ui.widgets import show_figure
from xent_core import LogBase
from xent_core.lessons import (
    NAIVE_SIGMOID_ROUNDS_TO_ONE,
    SigmoidOrSoftmaxView,
    sigmoid_or_softmax,
)
from xent_core.lessons.sigmoid_or_softmax import CLASS_NAMES, DEFAULT_PRESET, PRESETS

PAGE = "sigsoft"
TITLE = "6 · Sigmoid or softmax?"
INTRO = (
    "One set of **scores**, read two ways: **softmax** makes the classes share one unit of "
    "probability (exactly one is true); a **sigmoid** per class asks each its own yes/no "
    "question (a photo can show a cat *and* a dog). Pick the true labels and compare."
)
N = len(CLASS_NAMES)
NO_LABELS = "none"
POS_WEIGHT_RANGE = (0.0, 10.0)
START_SCORES, START_LABELS = PRESETS[DEFAULT_PRESET]


def parse_labels(raw: str) -> tuple[int, ...]:
    """The URL's ``labels=cat,dog`` (or ``none``): a set of class names."""
    text = str(raw).strip()
    if text == NO_LABELS:
        return ()
    names = [part.strip() for part in text.split(",")]
    unknown = [name for name in names if name not in CLASS_NAMES]
    if unknown or len(names) > N:
        raise ValueError(f"it must list classes from {', '.join(CLASS_NAMES)} (or “none”)")
    return tuple(sorted({CLASS_NAMES.index(name) for name in names}))


def encode_labels(labels) -> str:
    return ",".join(CLASS_NAMES[i] for i in sorted(labels)) or NO_LABELS


def parse_pair(raw: str) -> tuple[int, int]:
    """The URL's ``pair=cat,dog``: two different classes."""
    names = [part.strip() for part in str(raw).split(",")]
    if len(names) != 2 or names[0] == names[1] or not set(names) <= set(CLASS_NAMES):
        raise ValueError(f"it must name two different classes from {', '.join(CLASS_NAMES)}")
    return CLASS_NAMES.index(names[0]), CLASS_NAMES.index(names[1])


def encode_pair(pair) -> str:
    return ",".join(CLASS_NAMES[i] for i in pair)


FIELDS = (
    Field("x", tuple(START_SCORES), parse_float_list(N, N, -LOGIT_LIMIT, LOGIT_LIMIT),
          encode_scores, label="scores"),
    Field("labels", tuple(START_LABELS), parse_labels, encode_labels, label="true labels"),
    Field("pw", 1.0, parse_float(*POS_WEIGHT_RANGE), encode_float, label="pos_weight"),
    Field("pair", (0, 1), parse_pair, encode_pair, label="pair of classes"),
)
STORIES = {name: {"x": tuple(scores), "labels": tuple(labels)}
           for name, (scores, labels) in PRESETS.items()}


def story_now(state: LessonState) -> dict:
    return {"x": tuple(state["x"]), "labels": tuple(state["labels"])}


# The two BCE routes along a sweep of one score depend only on the log base: one figure per
# base for every session (cache_resource: shared, never mutated; the view is not hashed).


@st.cache_resource(show_spinner=False)
def routes_figure(base: LogBase, _view: SigmoidOrSoftmaxView):
    return bce_routes_figure(_view.sweep_logits, _view.sweep_naive_positive,
                             _view.sweep_stable_positive, _view.sweep_naive_negative,
                             _view.sweep_stable_negative, _view.naive_breaks_above,
                             log_base=base)


# ------------------------------------------------------------------------------ callbacks


def set_labels(state: LessonState, widget: str) -> None:
    state.set("labels", tuple(sorted(st.session_state[widget])))


def set_pair(state: LessonState, which: int, widget: str) -> None:
    """One side of the pair changes; picking the other side's class swaps the two."""
    pair = list(state["pair"])
    chosen = st.session_state[widget]
    if pair[1 - which] == chosen:
        pair[1 - which] = pair[which]
    pair[which] = chosen
    state.set("pair", tuple(pair))


# ----------------------------------------------------------------------------- the stage


def controls(state: LessonState) -> DeltaGenerator:
    """The story and the true labels (drawn by the full run: either changes the whole
    lesson) around the place of the score rows, which the lesson fragment fills."""
    story_picker(state, STORIES, story_now)
    rows_slot = st.container()
    widget = state.private("labels")
    st.session_state[widget] = list(state["labels"])
    st.multiselect("True labels (any number, none included)", options=list(range(N)),
                   format_func=CLASS_NAMES.__getitem__, key=widget, on_change=set_labels,
                   args=(state, widget), placeholder="no label is true")
    return rows_slot


def labels_note(view: SigmoidOrSoftmaxView) -> str:
    """What the number of true labels means for softmax, under the two losses."""
    k = len(view.labels)
    if k == 1:
        return markdown("One true label: the case softmax is made for.")
    if k == 0:
        return markdown("No true label: softmax cannot say “nothing here”; sigmoids can.")
    share = fmt(view.softmax_target[view.labels[0]], 3)
    return markdown(f"{k} true labels: softmax must split one unit between them "
                    f"(target {share} each); sigmoids say yes to each.")


def draw_stage(view: SigmoidOrSoftmaxView, on_stage) -> None:
    unit = view.log_base.unit
    show_figure(probabilities_figure(view.softmax_probabilities, view.sigmoid_probabilities,
                                     CLASS_NAMES, view.multi_hot), key=f"{PAGE}.fig.p",
                container=on_stage.charts)
    details(f"{PAGE}.details.sums", markdown(
        f"Softmax's bars always add up to 1; the sigmoids add up to "
        f"**{fmt(view.sigmoid_sum, 3)}** — each class answers on its own."),
        container=on_stage.charts)
    on_stage.show_loss(
        "Softmax + cross-entropy", view.softmax_loss, unit,
        help="With no true label there is no class for softmax to pick."
        if view.softmax_loss is None else
        "F.cross_entropy(x, target): the target puts 1/k on each of the k true labels.")
    # the second loss under the first, as st.metric drew them, and what the labels mean
    details(f"{PAGE}.details.losses", metrics(metric(
        "Sigmoid + BCE (mean)", f"{fmt(view.bce, 4)} {unit}", border=True,
        help="F.binary_cross_entropy_with_logits(x, y): one yes/no loss per class, averaged.")),
        labels_note(view), container=on_stage.loss)


# --------------------------------------------------------------------------- the details


@dataclass(frozen=True)
class Details:
    """Where the lesson fragment writes below the stage. The full run draws the headings, the
    prose that does not change and the pair of classes and pos_weight (they rerun the page),
    so a move of a score resends only the numbers, one element of :mod:`ui.details` per place
    (and the chart of the two BCE routes, a cached figure the browser does not redraw when
    it has not changed)."""

    readings: DeltaGenerator
    pair: DeltaGenerator
    pair_text: DeltaGenerator
    bce: DeltaGenerator
    routes: DeltaGenerator
    weighted: DeltaGenerator
    weighted_terms: DeltaGenerator
    code: DeltaGenerator


def per_class_table(view: SigmoidOrSoftmaxView) -> str:
    unit = view.log_base.unit
    target = view.softmax_target
    columns = {
        "class": CLASS_NAMES,
        "score x": [fmt(x, 3) for x in view.logits],
        "label y": [fmt(y, 0) for y in view.multi_hot],
        "softmax p": [fmt(p, 4) for p in view.softmax_probabilities],
        "softmax target": ["—"] * N if target is None else [fmt(t, 3) for t in target],
        "sigmoid σ(x)": [fmt(p, 4) for p in view.sigmoid_probabilities],
        f"BCE term ({unit})": [fmt(t, 4) for t in view.bce_terms],
        "BCE gradient": [fmt(g, 4) for g in view.bce_grad],
        "softmax gradient": (["—"] * N if view.softmax_grad is None
                             else [fmt(g, 4) for g in view.softmax_grad]),
    }
    # left-aligned as the markdown table was
    return table(columns, label="Class by class: softmax and sigmoid", left=tuple(columns),
                 row_header="class")


def bce_table(view: SigmoidOrSoftmaxView) -> str:
    columns = {
        "class": CLASS_NAMES,
        "x": [fmt(x, 3) for x in view.logits],
        "y": [fmt(y, 0) for y in view.multi_hot],
        "BCE(σ(x), y)": [fmt(t, 4) for t in view.bce_naive_terms],
        "with_logits": [fmt(t, 4) for t in view.bce_terms],
        "the two routes": ["**breaks**" if breaks else "agrees" for breaks in view.naive_breaks],
    }
    return table(columns, label="binary_cross_entropy on probabilities vs with_logits",
                 left=tuple(columns), titles={"the two routes": ""}, row_header="class",
                 markdown=("the two routes",))


def details_layout(state: LessonState) -> Details:
    """Below the stage: class by class, two classes, the two BCE routes, pos_weight, PyTorch."""
    readings = section("Class by class")
    st.markdown(
        "Softmax + cross-entropy: p = softmax(x), loss −Σ target · log p, gradient p − target. "
        "Sigmoid + BCE: σ(x) per class, loss −(y log σ + (1 − y) log(1 − σ)) per class, "
        "averaged over the classes; gradient (σ − y) / C. Raising one score lowers every other "
        "softmax probability, but no other sigmoid.")

    st.subheader("Two classes: softmax is the sigmoid of the difference")
    # the two classes' boxes in the left half (two columns of their own), the two numbers
    # in the right half as one element: the four equal columns they were
    choose_col, pair = st.columns(2, vertical_alignment="bottom")
    for which, column in enumerate(choose_col.columns(2)):
        widget = state.private(f"pair.{which}")
        st.session_state[widget] = state["pair"][which]
        column.selectbox("First class" if which == 0 else "Second class", options=list(range(N)),
                         format_func=CLASS_NAMES.__getitem__, key=widget, on_change=set_pair,
                         args=(state, which, widget))
    pair_text = st.container()

    st.subheader("binary_cross_entropy on probabilities vs binary_cross_entropy_with_logits")
    table_col, figure_col = st.columns([1.1, 1], gap="large")
    with table_col:
        bce = st.container()
        st.markdown(
            f"Beyond x ≈ {fmt(NAIVE_SIGMOID_ROUNDS_TO_ONE, 1)}, 1 / (1 + e^−x) is exactly 1.0 "
            "in float64: log(1 − σ) is log 0, which PyTorch clamps to −100, so a wrong label "
            "costs 100 nats however large x is. The fused `with_logits` works on x itself "
            "(log-sum-exp) and stays exact. Try the story “car score of 40”.")

    st.subheader("pos_weight: make a missed label cost more")
    slider_col, result_col = st.columns([1, 1.3], gap="large")
    slider_col.slider("pos_weight (the same for every class)", *POS_WEIGHT_RANGE, step=0.1,
                      key=state.key("pw"),
                      help="Multiplies the y · log σ(x) term of each class's BCE.")
    weighted = slider_col.container()
    weighted_terms = result_col.container()
    result_col.markdown(
        "loss = −(pos_weight · y · log σ(x) + (1 − y) · log(1 − σ(x))). Only classes whose "
        "label is 1 change: with rare positive labels (a tag on 1 photo in 50), pos_weight ≈ "
        "negatives / positives stops the model from learning to answer “no” everywhere.")
    with st.expander("The same in PyTorch"):
        code_slot = st.container()
    return Details(readings, pair, pair_text, bce, figure_col.container(), weighted,
                   weighted_terms, code_slot)


def pytorch_code(view: SigmoidOrSoftmaxView) -> str:
    scores = ", ".join(f"{v:g}" for v in view.logits)
    multi_hot = ", ".join(f"{v:g}." for v in view.multi_hot)
    return code(
        "import torch, torch.nn.functional as F\n"
        f"x = torch.tensor([{scores}], dtype=torch.float64)\n"
        f"y = torch.tensor([{multi_hot}], dtype=torch.float64)  # labels as a multi-hot\n"
        "F.cross_entropy(x, y / y.sum())                      # softmax: target 1/k each\n"
        "F.binary_cross_entropy_with_logits(x, y)             # sigmoid per class, stable\n"
        "F.binary_cross_entropy(torch.sigmoid(x), y)          # same, until sigmoid hits 1\n"
        f"F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.full((4,), "
        f"{float(view.pos_weight[0]):g}))",
        language="python", label="The same in PyTorch")


def draw_details(view: SigmoidOrSoftmaxView, place: Details) -> None:
    """The numbers of the sections below the stage: one element of ui.details per place."""
    unit = view.log_base.unit
    details(f"{PAGE}.details.readings", per_class_table(view), container=place.readings)

    i, j = view.pair
    details(f"{PAGE}.details.pair", metrics(
        metric(f"softmax([x_{CLASS_NAMES[i]}, x_{CLASS_NAMES[j]}])₀",
               fmt(view.pair_softmax, 6), border=True),
        metric(f"σ(x_{CLASS_NAMES[i]} − x_{CLASS_NAMES[j]})", fmt(view.pair_sigmoid, 6),
               border=True)), container=place.pair)
    details(f"{PAGE}.details.pair_text", markdown(
        f"e^a / (e^a + e^b) = 1 / (1 + e^−(a − b)): with a = {fmt(view.logits[i], 3)} and "
        f"b = {fmt(view.logits[j], 3)} both give **{fmt(view.pair_sigmoid, 6)}**. A two-class "
        "softmax is one sigmoid of the score difference; that is why a binary classifier needs "
        "only one output."), container=place.pair_text)

    details(f"{PAGE}.details.bce", bce_table(view), metrics(
        metric("BCE(sigmoid(x), y), mean", f"{fmt(view.bce_naive, 4)} {unit}"),
        metric("with_logits, mean", f"{fmt(view.bce, 4)} {unit}")), container=place.bce)

    details(f"{PAGE}.details.weighted", metrics(
        metric("BCE with pos_weight, mean", f"{fmt(view.bce_weighted, 4)} {unit}")),
        container=place.weighted)
    terms = " · ".join(f"{name} {fmt(t, 4)}"
                       for name, t in zip(CLASS_NAMES, view.bce_weighted_terms, strict=True))
    details(f"{PAGE}.details.weighted_terms", markdown(f"Per class: {terms}."),
            container=place.weighted_terms)

    details(f"{PAGE}.details.code", pytorch_code(view), container=place.code)


# ------------------------------------------------------------------------------- page


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, place: Details) -> SigmoidOrSoftmaxView:
    """Everything a move of a score changes: the score rows (drawn here, in the controls),
    both readings and the numbers below them (a :func:`lesson_fragment`: a move reruns it
    alone and updates the charts and numbers in their places; the first move off a story
    reruns the page, whose box then says so). Returns the view on a full run (for the routes
    chart, which only the log base changes)."""
    rerun_if_story_changed(state, STORIES, story_now)
    logit_rows(state, "x", CLASS_NAMES, word="score")
    view = sigmoid_or_softmax(state["x"], state["labels"], state["pw"], state["pair"],
                              log_base=state.base)
    draw_stage(view, on_stage)
    draw_details(view, place)
    return view


def sigmoid_or_softmax_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="sigmoid-or-softmax")
    on_stage = stage(state, widths=(2.1, 2.7, 1.7))
    with on_stage.controls:
        rows_slot = controls(state)
    place = details_layout(state)
    with rows_slot:
        view = lesson(state, on_stage, place)
    # The two BCE routes along a sweep depend only on the log base, which reruns the page:
    # the full run draws them, and a move of the scores leaves the chart alone.
    show_figure(routes_figure(state.base, view), key=f"{PAGE}.fig.routes",
                container=place.routes)


sigmoid_or_softmax_page()
