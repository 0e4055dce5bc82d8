"""Page 8 · Soft labels, entropy and KL — and is the model calibrated?

Reads like the lesson: choose a target (one class, label smoothing, or any probabilities),
see the loss H(p, q) split into the target's own entropy H(p) and the divergence KL(p‖q),
soften the prediction with a temperature; then ask the real MNIST model whether its
confidence can be trusted, and fit the temperature that makes it so.

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.soft_labels` → draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import url_state as url
from ui.details import details, markdown, metric, metrics, table
from ui.lesson_state import (
    LessonState,
    Stage,
    lesson_fragment,
    lesson_state,
    number_box,
    rerun_if_example_left,
    stage,
)
from ui.logit_rows import NumberField, logit_rows
from ui.soft_label_figures import (
    decomposition_figure,
    reliability_figure,
    target_prediction_figure,
    temperature_curve_figure,
)
from ui.text import fmt
from ui.widgets import input_error, show_figure
from xent_core import LogBase
from xent_core.lessons import SoftLabelsView, soft_labels
from xent_core.lessons.soft_labels import (
    CLASS_NAMES,
    CURVE_TEMPERATURES,
    DEFAULT_PRESET,
    PRESETS,
    target_distribution,
)

PAGE = "soft"
N = len(CLASS_NAMES)
SLIDER_LIMIT = 10.0
SMOOTHING_RANGE = (0.0, 1.0)
TEMPERATURE_RANGE = (0.1, 10.0)
CALIBRATION_RANGE = (float(CURVE_TEMPERATURES[0]), float(CURVE_TEMPERATURES[-1]))
TARGET_KINDS = {"class": "one class", "soft": "probabilities"}

TITLE = "Soft labels, entropy and KL"
INTRO = (
    "The loss against any target p splits in two: **H(p, q) = H(p) + KL(p‖q)**. The target's "
    "own entropy H(p) is a floor no prediction goes below; KL is what the prediction q adds."
)


def parse_soft_target(raw: str) -> list[float]:
    """The URL's ``p=0.1,0.1,0,0.6,0.2``: five probabilities that sum to 1."""
    values = url.parse_float_list(N, N, 0.0, 1.0)(raw)
    target_distribution(values, N)  # raises a ValueError that says what is wrong
    return values


def encode_soft_target(values) -> str:
    return "" if values is None else url.encode_float_list(values)


_LOGITS, _TARGET, _SMOOTHING, _T = PRESETS[DEFAULT_PRESET]
FIELDS = (
    url.Field("x", tuple(_LOGITS), url.parse_float_list(N, N, -url.LOGIT_LIMIT, url.LOGIT_LIMIT),
              url.encode_float_list, label="logits"),
    url.Field("y", _TARGET, url.parse_int(0, N - 1), label="true class"),
    url.Field("p", None, parse_soft_target, encode_soft_target, label="target probabilities"),
    url.Field("ls", _SMOOTHING, url.parse_float(*SMOOTHING_RANGE), url.encode_float,
              label="label smoothing"),
    url.Field("T", _T, url.parse_float(*TEMPERATURE_RANGE), url.encode_float,
              label="temperature"),
    url.Field("Tc", 1.0, url.parse_float(*CALIBRATION_RANGE), url.encode_float,
              label="calibration temperature"),
)


# ------------------------------------------------------------------------- callbacks


def apply_preset(state: LessonState) -> None:
    name = st.session_state[state.private("preset")]
    if name is None:
        return
    logits, target, smoothing, temperature = PRESETS[name]
    state.set("x", tuple(logits))
    if isinstance(target, int):
        state.set("y", target)
        state.set("p", None)
    else:
        state.set("p", tuple(target))
    state.set("ls", smoothing)
    state.set("T", temperature)
    st.session_state.pop(state.private("drafts"), None)


def current_preset(state: LessonState) -> str | None:
    """The example the lesson inputs equal right now (None once something moved)."""
    for name, (logits, target, smoothing, temperature) in PRESETS.items():
        same_target = (state["p"] is None and state["y"] == target if isinstance(target, int)
                       else state["p"] is not None and tuple(state["p"]) == tuple(target))
        if (same_target and tuple(state["x"]) == tuple(logits) and state["ls"] == smoothing
                and state["T"] == temperature):
            return name
    return None


def on_target_kind(state: LessonState) -> None:
    """One class → any probabilities starts from that class's one-hot target, and back."""
    kind = st.session_state[state.private("kind")]
    st.session_state.pop(state.private("drafts"), None)
    if kind == "soft" and state["p"] is None:
        state.set("p", tuple(target_distribution(state["y"], N).tolist()))
    elif kind == "class":
        state.set("p", None)


def set_probability(state: LessonState, i: int, value: float) -> None:
    """Keep the typed probability as a draft; use the drafts once they form a distribution."""
    drafts = st.session_state.setdefault(state.private("drafts"), list(state["p"]))
    drafts[i] = float(value)
    try:
        target_distribution(drafts, N)
    except ValueError as error:
        st.session_state[state.private("target_error")] = str(error)
        return
    state.set("p", tuple(drafts))
    st.session_state.pop(state.private("drafts"), None)


def use_temperature(state: LessonState, temperature: float) -> None:
    """Put the MNIST temperature slider on ``temperature``, to its step of 0.01 (the fitted
    T's exact value and its NLL are printed under the charts)."""
    state.set("Tc", round(float(temperature), 2))


# ---------------------------------------------------------------------------- widgets


def probability_boxes(state: LessonState) -> None:
    """Five boxes for the target's probabilities; a sum other than 1 is held as a draft."""
    drafts = st.session_state.get(state.private("drafts"))
    shown = drafts if drafts is not None else list(state["p"])
    columns = [*st.columns(3), *st.columns(3)[:2]]
    for column, (i, name) in zip(columns, enumerate(CLASS_NAMES), strict=True):
        number_box(f"{PAGE}.p.{i}", f"p({name})", shown[i], url.parse_float(0.0, 1.0),
                   lambda v, i=i: set_probability(state, i, v), what=f"p({name})",
                   container=column, digits=3)
    if drafts is not None:
        error = st.session_state.get(state.private("target_error"), "")
        input_error(f"Not used yet: {error} The loss still uses "
                    f"{', '.join(fmt(v, 3) for v in state['p'])}.")


def target_controls(state: LessonState) -> None:
    """The example, and the target: one class or five probabilities (drawn by the full run: a
    change here reruns the page; a move of the lesson that leaves the example reruns it too,
    :func:`ui.lesson_state.rerun_if_example_left`)."""
    st.session_state[state.private("preset")] = current_preset(state)
    st.selectbox("Example", options=list(PRESETS), key=state.private("preset"),
                 on_change=apply_preset, args=(state,), placeholder="Your own numbers")
    st.session_state[state.private("kind")] = "class" if state["p"] is None else "soft"
    st.segmented_control("Target p: one class (one-hot) or any probabilities",
                         options=list(TARGET_KINDS), format_func=TARGET_KINDS.get,
                         key=state.private("kind"), required=True, on_change=on_target_kind,
                         args=(state,))
    if state["p"] is None:
        st.radio("True class", options=list(range(N)), format_func=CLASS_NAMES.__getitem__,
                 key=state.key("y"), horizontal=True)
    else:
        probability_boxes(state)


PREDICTION = (
    NumberField("ls", "Label smoothing ε", "ε", *SMOOTHING_RANGE, 0.01,
                url.parse_float(*SMOOTHING_RANGE),
                lead=f"Label smoothing ε, 0 to 1: target → (1 − ε) · target + ε / {N}."),
    NumberField("T", "Temperature T", "T", *TEMPERATURE_RANGE, 0.05,
                url.parse_float(*TEMPERATURE_RANGE),
                lead="Temperature T, 0.1 to 10: q = softmax(x / T)."),
)


def prediction_rows(state: LessonState) -> None:
    """The lesson's moves, one element (a move sends it once): label smoothing and the
    temperature, then the prediction's logits (each a slider and an exact box)."""
    logit_rows(state, "x", CLASS_NAMES, slider_limit=SLIDER_LIMIT, before=PREDICTION)


# ----------------------------------------------------------------------------- results


def draw_stage(view: SoftLabelsView, on_stage) -> None:
    unit = view.log_base.unit
    show_figure(target_prediction_figure(view.target, view.probabilities, CLASS_NAMES,
                                         temperature=view.temperature,
                                         target_index=view.target_index),
                key=f"{PAGE}.fig.pq", container=on_stage.charts)
    show_figure(decomposition_figure(view.entropy, view.kl_divergence, view.cross_entropy,
                                     unit=unit), key=f"{PAGE}.fig.stack",
                container=on_stage.charts)
    on_stage.show_loss("Loss H(p, q)", view.cross_entropy, unit)
    # under the loss, its two terms one under the other (as st.metric): one element. The
    # target's entropy is also the lowest loss any prediction reaches, one number for both.
    details(f"{PAGE}.details.loss",
            metrics(metric("Entropy H(p) = lowest reachable loss",
                           f"{fmt(view.lowest_loss, 4)} {unit}",
                           help="The target's own entropy: min over q of H(p, q) = H(p), "
                                "reached when q = p.")),
            metrics(metric("KL(p‖q)", f"{fmt(view.kl_divergence, 4)} {unit}")),
            container=on_stage.loss)


def terms_table(view: SoftLabelsView) -> str:
    """The terms of the loss, class by class, and their sums in bold."""
    log = view.log_base.log_name
    header = ["class", "target p", f"q = softmax(x / {view.temperature:g})", "softmax(x)",
              f"−p {log} q", f"−p {log} p", f"p {log}(p / q)", "logits that reach H(p)"]
    rows = [[name, fmt(view.target[i]), fmt(view.probabilities[i]),
             fmt(view.probabilities_at_1[i]), fmt(view.cross_entropy_terms[i]),
             fmt(view.entropy_terms[i]), fmt(view.kl_terms[i]), fmt(view.best_logits[i], 3)]
            for i, name in enumerate(CLASS_NAMES)]
    rows.append(["**sum**", "1", "1", "1", f"**{fmt(view.cross_entropy)}** = H(p, q)",
                 f"**{fmt(view.entropy)}** = H(p)", f"**{fmt(view.kl_divergence)}** = KL", ""])
    columns = {name: [row[j] for row in rows] for j, name in enumerate(header)}
    return table(columns, label="The terms of the loss, one row per class", left=("class",),
                 row_header="class", markdown=tuple(columns))


def explanation(view: SoftLabelsView) -> str:
    """Why the loss no longer goes to 0, and what the temperature did (markdown)."""
    unit = view.log_base.unit
    smoothing = view.label_smoothing
    return (
        f"**Why the loss no longer goes to 0.** The lowest loss any prediction can reach is "
        f"H(p) = **{fmt(view.lowest_loss, 4)} {unit}**, at q = p, with logits like the last "
        "column (any constant can be added). "
        + ("With a one-hot target H(p) = 0, so the loss goes to 0 only as the true class's "
           "logit runs off to infinity. " if view.lowest_loss == 0 else "")
        + (f"With label smoothing ε = {smoothing:g}, every class keeps at least ε / {N} of "
           "the target, so a finite set of logits is best: the model is no longer pushed to "
           "be infinitely sure. "
           if smoothing > 0 else "")
        + f"\n\n**Temperature.** The prediction is softmax(x / T) with T = "
        f"{view.temperature:g}: its entropy H(q) is {fmt(view.prediction_entropy, 4)} {unit}. "
        "T > 1 flattens q (what distillation does to a teacher's outputs, to make soft "
        "targets), T < 1 sharpens it.")


@dataclass(frozen=True)
class Details:
    """Where the lesson fragment writes below the stage: the full run draws the heading and
    the PyTorch code, so a move resends only the numbers (the table and the notes one
    :mod:`ui.details` element each)."""

    table: DeltaGenerator
    notes: DeltaGenerator


def details_layout() -> Details:
    """Class by class: the terms of the loss, what they mean, the same in PyTorch."""
    st.subheader("Class by class")
    terms, notes = st.container(), st.container()
    with st.expander("The same in PyTorch"):
        st.code(
            "q_log = F.log_softmax(logits / T, dim=-1)\n"
            "F.cross_entropy(logits / T, p)                  # H(p, q), p a distribution\n"
            "F.cross_entropy(logits / T, y, label_smoothing=eps)\n"
            "F.kl_div(q_log, p, reduction='sum')              # KL(p‖q)\n"
            "torch.distributions.Categorical(probs=p).entropy()  # H(p)",
            language="python")
    st.divider()
    return Details(terms, notes)


# The calibration figures depend only on the MNIST temperature and the log base, not on the
# lesson's logits: built once per (T, base) and shared by every session (never modified), so
# moving any stage control costs them nothing.
@st.cache_resource(max_entries=256, show_spinner=False)
def calibration_figures(temperature: float, base: LogBase, _view: SoftLabelsView):
    bins = _view.reliability
    reliability = reliability_figure(bins.centers, bins.accuracy, bins.mean_confidence,
                                     bins.counts, temperature=temperature)
    curve = temperature_curve_figure(
        _view.curve_temperatures, _view.curve_nll, _view.curve_expected_calibration_error,
        _view.curve_mean_confidence, accuracy=_view.accuracy, temperature=temperature,
        fitted_temperature=_view.fitted_temperature, unit=base.unit)
    return reliability, curve


def calibration(state: LessonState, view: SoftLabelsView) -> None:
    """The MNIST model on its held-out digits: reliability, ECE, NLL, accuracy against T."""
    unit = view.log_base.unit
    st.subheader("Is the model calibrated?")
    st.markdown(
        f"The MNIST model of lesson 4 on its {view.n_held_out} held-out digits: when it is 90 % "
        "sure, is it right 90 % of the time? Divide its logits by a temperature T and watch.")
    slider_col, fitted_col, one_col = st.columns([3, 1.6, 1], vertical_alignment="bottom")
    slider_col.slider("Temperature T on the MNIST model's logits", *CALIBRATION_RANGE,
                      step=0.01, key=state.key("Tc"))
    fitted_col.button(f"Use the fitted temperature (T = {view.fitted_temperature:.2f})",
                      key=f"{PAGE}.fitted", on_click=use_temperature,
                      args=(state, view.fitted_temperature), type="primary", width="stretch")
    one_col.button("Back to T = 1", key=f"{PAGE}.t1", on_click=use_temperature,
                   args=(state, 1.0), width="stretch")
    columns = st.columns(4)
    columns[0].metric("Expected calibration error", fmt(view.expected_calibration_error, 4),
                      help="The bin-weighted mean gap |accuracy − confidence| of the "
                           "reliability diagram: 0 for a calibrated model.")
    columns[1].metric(f"Mean NLL ({unit})", fmt(view.nll, 4),
                      help="The mean cross-entropy loss over the held-out digits.")
    columns[2].metric("Accuracy", f"{fmt(100 * view.accuracy, 1)} %",
                      help="The same at every T > 0: dividing by T keeps the largest logit "
                           "the largest.")
    columns[3].metric("Mean confidence", fmt(view.mean_confidence, 4),
                      help="The mean top probability: how sure the model says it is.")
    st.caption(f"As trained (T = 1): ECE {fmt(view.expected_calibration_error_at_1, 4)}, "
               f"NLL {fmt(view.nll_at_1, 4)} {unit}, mean confidence "
               f"{fmt(view.mean_confidence_at_1, 4)}.")
    left, right = st.columns(2)
    reliability, curve = calibration_figures(view.calibration_temperature, view.log_base, view)
    show_figure(reliability, key=f"{PAGE}.fig.reliability", container=left)
    show_figure(curve, key=f"{PAGE}.fig.curve", container=right)
    st.markdown(
        f"**Temperature scaling.** The temperature that minimises the held-out NLL is "
        f"T = **{view.fitted_temperature:.4f}**: NLL {fmt(view.nll_at_1, 4)} → "
        f"{fmt(view.fitted_nll, 4)} {unit}, ECE {fmt(view.expected_calibration_error_at_1, 4)} "
        f"→ {fmt(view.fitted_expected_calibration_error, 4)}, mean confidence "
        f"{fmt(view.mean_confidence_at_1, 4)} → {fmt(view.fitted_mean_confidence, 4)}; the "
        f"accuracy stays {fmt(100 * view.accuracy, 1)} %. One number fitted on held-out data "
        "changes how sure the model says it is, never which digit it picks.")


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, place: Details) -> SoftLabelsView:
    """Everything a move of the prediction changes: label smoothing, the temperature and the
    logits (drawn here, in the stage's controls), the stage and the terms of the loss (a
    :func:`lesson_fragment`: a move reruns it alone and updates the charts and numbers in
    their places; the first move off an example reruns the page, whose box then says so).
    The example and the target are drawn by the full run (a change there reruns the page).
    Returns the view on a full run (for the calibration below)."""
    rerun_if_example_left(state, "preset", current_preset)
    prediction_rows(state)
    view = soft_labels(state["x"], state["y"] if state["p"] is None else state["p"],
                       state["ls"], state["T"], state["Tc"], log_base=state.base)
    draw_stage(view, on_stage)
    details(f"{PAGE}.details.table", terms_table(view), container=place.table)
    details(f"{PAGE}.details.notes", markdown(explanation(view)), container=place.notes)
    return view


def soft_labels_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="soft-labels")
    on_stage = stage(state, widths=(2.1, 3.0, 1.8))
    with on_stage.controls:
        target_controls(state)
        moves = st.container()
    place = details_layout()
    with moves:
        view = lesson(state, on_stage, place)
    # The calibration depends only on its own temperature and the log base, which rerun the
    # page: the full run draws it, and a move of the lesson leaves it alone.
    calibration(state, view)


soft_labels_page()
