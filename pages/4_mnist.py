"""Page 4 · MNIST digits: a real model's logits, its confident mistakes, and the loss of a set.

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.mnist_digits` → draw. The
part that depends on the logits is the lesson fragment (:func:`ui.lesson_state.lesson_fragment`):
editing a logit reruns it alone, and its charts and numbers are updated in their places on
the stage (:mod:`ui.live`). The model's predictions on the held-out set are computed once per
server.
"""

from __future__ import annotations

from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.class_rows import Row, class_rows
from ui.details import caption, details, metric, metrics, text
from ui.edits import Edit
from ui.lesson_state import (
    LessonState,
    Stage,
    box_shows,
    commit_number,
    in_fragment_rerun,
    lesson_fragment,
    lesson_state,
    number_box,
    stage,
)
from ui.logit_rows import parse_logit
from ui.mnist_figures import (
    confusion_figure,
    digit_png,
    log_probability_bars,
    logit_bars,
    loss_histogram_figure,
    mark_image_loss,
    mean_loss_by_digit_figure,
    probability_bars,
)
from ui.text import fmt
from ui.url_state import (
    LOGIT_LIMIT,
    Field,
    encode_float_list,
    parse_choice,
    parse_float_list,
    parse_int,
)
from ui.widgets import input_error, on_a_phone, show_figure
from xent_core import LogBase
from xent_core.lessons import MnistView, mnist_digits
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import HeldOutReport, held_out_report, typical_correct_example

PAGE = "mnist"
TITLE = "4 · MNIST digits"
INTRO = (
    "A real classifier, trained with this very loss, reads handwritten digits it never saw "
    "during training. Pick an image, follow its ten **logits** to **probabilities** and a "
    "**loss**, change them, and then see that the loss of a whole data set is nothing more "
    "than the mean of these per-image losses."
)
DIGITS = tuple(range(10))
PICK_MODES = {
    "digit": "By true digit",
    "index": "By index",
    "wrong": "Most confidently wrong",
    "unsure": "Most unsure",
    "right": "Confidently right",
}
RANKED_LIST_HELP = {
    "wrong": "Misclassified images, highest loss first: the model gave the true digit a tiny "
             "probability, so −log p is huge.",
    "unsure": "Images whose probabilities are spread over several digits (highest entropy "
              "first), whether the top guess is right or not.",
    "right": "Correct images with the lowest loss: the true digit gets a probability very "
             "close to 1.",
}


def subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def minus(text: str) -> str:
    """A typographic minus sign, as in the rest of the page's formulas."""
    return text.replace("-", "−")


# ------------------------------------------------------------------------- data, once


@st.cache_resource(show_spinner="Running the model on the held-out digits…")
def held_out() -> HeldOutReport:
    """The model's predictions on every held-out digit, shared by all sessions."""
    return held_out_report(load_model(), load_digits())


def report_or_stop() -> HeldOutReport:
    try:
        return held_out()
    except (FileNotFoundError, ValueError) as error:  # a missing or damaged data file
        st.title(TITLE)
        input_error(str(error))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=100)
def picture(index: int) -> bytes:
    return digit_png(held_out().images[index])


# Figures of the whole set depend only on the log base and are shared by every session
# (cache_resource: no copy, never mutated; the view is not hashed, its set-level numbers are the
# same for all). The stage's bar charts follow the learner's logits and are built on every move
# from plain specs (``ui.figures.class_bars``: well under 1 ms each, no copies when drawn).


@st.cache_resource(show_spinner=False)
def by_digit_figure(base: LogBase, _view: MnistView):
    return mean_loss_by_digit_figure(_view.mean_loss_by_digit, mean_loss=_view.mean_loss,
                                     base=base)


@st.cache_resource(show_spinner=False)
def histogram_figure(base: LogBase, _view: MnistView):
    return loss_histogram_figure(_view.histogram_counts, _view.histogram_edges,
                                 mean_loss=_view.mean_loss, base=base)


@st.cache_resource(show_spinner=False)
def confusion_matrix_figure():
    return confusion_figure(held_out().confusion)


# ------------------------------------------------------------------------ URL fields


def encode_logits(values) -> str:
    return "" if values is None else encode_float_list(values)


REPORT = report_or_stop()
FIELDS = (
    Field("pick", "digit", parse_choice(tuple(PICK_MODES)), label="way of choosing an image"),
    Field("i", REPORT.default_index, parse_int(0, REPORT.n_samples - 1), label="image index"),
    Field("y", int(REPORT.labels[REPORT.default_index]), parse_int(0, 9),
          label="label to score against"),
    Field("x", None, parse_float_list(10, 10, -LOGIT_LIMIT, LOGIT_LIMIT), encode_logits,
          label="edited logits"),
)


# --------------------------------------------------------------------- choosing an image


def show_image(state: LessonState, index: int) -> None:
    """Switch to held-out image ``index``: its true label and the model's own logits."""
    state.set("i", int(index))
    state.set("y", int(REPORT.labels[index]))
    state.set("x", None)


def candidates(mode: str, index: int) -> list[int]:
    """The images a picking mode offers (for "by digit": the images of ``index``'s digit)."""
    if mode == "digit":
        return REPORT.indices_of_digit(REPORT.labels[index]).tolist()
    if mode == "index":
        return list(range(REPORT.n_samples))
    ranked = {"wrong": REPORT.most_confidently_wrong, "unsure": REPORT.most_unsure,
              "right": REPORT.confidently_right}
    return ranked[mode].tolist()


def on_mode_change(state: LessonState) -> None:
    offered = candidates(state["pick"], state["i"])
    if state["i"] not in offered:
        show_image(state, offered[0])


def on_digit_change(state: LessonState) -> None:
    """A new digit starts on a typical correctly classified image of it."""
    digit = st.session_state[state.private("digit")]
    try:
        show_image(state, typical_correct_example(REPORT.losses, REPORT.labels,
                                                  REPORT.predictions, digit))
    except ValueError:  # the model gets no image of this digit right
        show_image(state, REPORT.indices_of_digit(digit)[0])


def on_pick(state: LessonState, widget: str) -> None:
    picked = st.session_state[widget]
    if picked is not None:
        show_image(state, picked)


def describe(index: int, mode: str, view: MnistView) -> str:
    """One line per image in a picking list, e.g. “#88 · a 4 read as 9 · loss 7.73 nats”."""
    true, predicted = int(REPORT.labels[index]), int(REPORT.predictions[index])
    verdict = f"a {true}" if true == predicted else f"a {true} read as {predicted}"
    if mode == "unsure":
        amount = f"entropy {fmt(view.entropies[index], 2)}"
    else:
        amount = f"loss {fmt(view.losses[index], 3)}"
    return f"#{index} · {verdict} · {amount} {view.log_base.unit}"


def choose_image(state: LessonState, view: MnistView) -> None:
    st.segmented_control("Choose an image", options=list(PICK_MODES),
                         format_func=PICK_MODES.get, key=state.key("pick"), required=True,
                         on_change=on_mode_change, args=(state,))
    mode, index = state["pick"], state["i"]
    if mode == "index":
        number_box(state.private("index"), f"Image index (0 to {REPORT.n_samples - 1})", index,
                   parse_int(0, REPORT.n_samples - 1), partial(show_image, state),
                   what="image index", digits=0)
        return
    if mode == "digit":
        st.session_state[state.private("digit")] = int(REPORT.labels[index])
        st.pills("True digit", options=DIGITS, key=state.private("digit"), required=True,
                 on_change=on_digit_change, args=(state,))
    else:
        st.caption(RANKED_LIST_HELP[mode])
    offered = candidates(mode, index)
    widget = state.private(f"list.{mode}")
    st.session_state[widget] = index if index in offered else None
    st.selectbox(f"Image ({len(offered)} in this list)", options=offered,
                 format_func=lambda i: describe(i, mode, view), key=widget,
                 placeholder="Choose an image from this list", on_change=on_pick,
                 args=(state, widget))


# ------------------------------------------------------------- one image, step by step


def set_logit(state: LessonState, view: MnistView, digit: int, value: float) -> None:
    """Keep the edited logits (None again when they are the model's own)."""
    logits = view.breakdown.logits.tolist()
    logits[digit] = float(value)
    state.set("x", None if logits == REPORT.logits[view.index].tolist() else logits)


def logit_inputs(state: LessonState, view: MnistView) -> None:
    """Ten exact-value boxes, one per digit, holding the logits being scored (one element,
    :mod:`ui.class_rows`: two lines of five)."""
    logits = view.breakdown.logits

    def box(d: int) -> str:
        return state.private(f"logit.{d}")

    def on_edit(edit: Edit) -> None:
        if edit.source == "box" and 0 <= edit.row < len(DIGITS):
            commit_number(box(edit.row), edit.text, parse_logit,
                          partial(set_logit, state, view, edit.row),
                          what=f"logit of digit {edit.row}", value=logits[edit.row], digits=3)

    rows = []
    for d in DIGITS:
        text, message = box_shows(box(d), logits[d])
        rows.append(Row(name=f"digit {d}", box_label=f"digit {d}", text=text, error=message))
    class_rows(state.private("logits"), rows, on_edit=on_edit, sliders=False, cells=5)


def back_button(state: LessonState, view: MnistView) -> None:
    """Back to the model's logits, under the boxes (on while the logits are edited)."""
    st.button(":material/undo: Back to the model's logits", key=f"{PAGE}.back",
              on_click=state.set, args=("x", None), disabled=view.model_logits_used,
              help="Forget your edits and use the logits the model computed for this image.")


def loss_details(view: MnistView) -> list[str]:
    """Under the loss: for the true label when it is not the one scored, else its
    probability; the prediction, and whose logits these are (one metric a line)."""
    base, label, true_label = view.log_base, view.label, view.true_label
    blocks = []
    if label != true_label:
        blocks += [metrics(metric(f"Loss for the true label ({true_label})",
                                  f"{fmt(view.true_label_loss, 4)} {base.unit}")),
                   caption(text(f"Scoring against {label} instead of {true_label} changes "
                                "only which probability the loss picks."))]
    else:
        blocks.append(metrics(metric("Probability of the true label",
                                     fmt(view.breakdown.probabilities[label], 4))))
    predicted = view.breakdown.predicted
    verdict = "right" if predicted == true_label else "wrong"
    blocks += [metrics(metric("Prediction (largest logit)", f"{predicted} ({verdict})")),
               caption(text("The model's own logits." if view.model_logits_used
                            else "Your edited logits."))]
    return blocks


def loss_summary(view: MnistView, on_stage: Stage, phone: bool) -> None:
    """The stage's loss, its formula, then :func:`loss_details`: under the loss in the same
    element, or on a phone after the logit boxes (which follow the charts there)."""
    base, label = view.log_base, view.label
    p = view.breakdown.probabilities[label]
    title = (f"Loss for the true label ({label})" if label == view.true_label
             else f"Loss if the label were {label}")
    on_stage.show_loss(title, view.loss, base.unit)
    formula = caption(text(f"−{base.log_name} p{subscript(label)} = −{base.log_name} "
                           f"{fmt(p, 4)}"))
    if phone:
        details(f"{PAGE}.details.loss", formula, container=on_stage.loss)
        details(f"{PAGE}.details.prediction", *loss_details(view), container=on_stage.charts)
    else:
        details(f"{PAGE}.details.loss", formula, *loss_details(view), container=on_stage.loss)


def score(state: LessonState) -> MnistView:
    """The lesson's one core call: this image, this label, these logits."""
    return mnist_digits(REPORT, state["i"], state["y"], state["x"], log_base=state.base)


def image_and_label(state: LessonState, view: MnistView) -> None:
    """The chosen image and the label its loss is scored against (a new label reruns the
    page: it changes every number below)."""
    st.image(picture(view.index), width=140, caption=f"Held-out image #{view.index}, "
             f"true label {view.true_label}",
             alt=f"Handwritten digit {view.true_label} (28 × 28 pixels)")
    st.segmented_control(
        "Score against the label", options=DIGITS, key=state.key("y"), required=True,
        format_func=lambda d: f"{d} ✓" if d == view.true_label else str(d),
        help="The loss is −log p of this label. The true label is ticked; pick another "
        "to see what its loss would be.")


@lesson_fragment
def one_image(state: LessonState, on_stage: Stage, charts: DeltaGenerator, phone: bool,
              view: MnistView) -> None:
    """The chosen image's logits → probabilities → log-probabilities → loss, on the stage.

    A logit edit reruns only this :func:`lesson_fragment`, which then scores the logits
    again, redraws the logit boxes and the button back to the model's logits (drawn here,
    under their heading) and updates the charts and numbers in their places. The image and
    the label scored are drawn by the full run (:func:`image_and_label`), which scores
    them once and passes ``view`` in.
    """
    if in_fragment_rerun():
        view = score(state)  # ``view`` is the last full run's
    base, label = view.log_base, view.label
    logit_inputs(state, view)
    back_button(state, view)
    show_figure(logit_bars(view.breakdown.logits, label), key=f"{PAGE}.logits",
                container=charts)
    show_figure(probability_bars(view.breakdown.probabilities, label),
                key=f"{PAGE}.probabilities", container=charts)
    show_figure(log_probability_bars(view.breakdown.log_probabilities, label, base),
                key=f"{PAGE}.log_probabilities", container=charts)
    details(f"{PAGE}.details.charts", caption(text(
        f"The outlined bar is the label being scored, {label}: its loss is minus its "
        f"log-probability, −({minus(fmt(view.breakdown.picked_log_probability, 4))}) = "
        f"{fmt(view.loss, 4)} {base.unit}.")), container=charts)
    loss_summary(view, on_stage, phone)


# -------------------------------------------------------------------- the whole data set


def whole_set(view: MnistView) -> None:
    base, n = view.log_base, REPORT.n_samples
    st.subheader(f"The loss of all {n} held-out images")
    columns = st.columns(4)
    columns[0].metric("Held-out images", f"{n}")
    columns[1].metric("Accuracy", f"{fmt(100 * REPORT.accuracy, 1)} %")
    columns[2].metric("Misclassified", f"{REPORT.n_wrong}")
    columns[3].metric(f"Mean loss ({base.unit})", fmt(view.mean_loss, 4))
    st.markdown(
        f"Every image has its own loss, like the one above. The loss of the data set is their "
        f"mean: (loss₀ + loss₁ + … + loss{subscript(n - 1)}) / {n} = {fmt(view.total_loss, 2)}"
        f" / {n} = **{fmt(view.mean_loss, 4)} {base.unit}** — exactly what "
        "`F.cross_entropy(logits, labels)` returns with its default `reduction='mean'`. A "
        "handful of confident mistakes with losses of several units pull that mean up far "
        "more than hundreds of easy images."
    )
    left, right = st.columns(2)
    marked = mark_image_loss(histogram_figure(base, view), view.image_loss)
    show_figure(marked, key=f"{PAGE}.histogram", container=left)
    left.caption(f"Dashed: the mean, {fmt(view.mean_loss, 3)} {base.unit}. :orange[Orange]: "
                 f"the image chosen above, #{view.index}, at {fmt(view.image_loss, 3)} "
                 f"{base.unit} with the model's logits.")
    show_figure(by_digit_figure(base, view), key=f"{PAGE}.by_digit", container=right)
    matrix, notes = st.columns([3, 2], gap="large")
    with matrix:
        st.markdown("**Confusion matrix**: how often each true digit (row) was predicted as "
                    "each digit (column).")
        show_figure(confusion_matrix_figure(), key=f"{PAGE}.confusion")
    with notes:
        st.markdown("**Most frequent mistakes**")
        st.markdown("\n".join(
            f"- a **{t}** read as **{p}**: {count} time{'s' if count > 1 else ''}"
            for t, p, count in view.top_confusions
        ))
        correct = REPORT.n_correct
        st.markdown(f"The diagonal holds the {correct} correct predictions: {correct} / {n} = "
                    f"{fmt(100 * REPORT.accuracy, 1)} % accuracy. Accuracy only counts "
                    "right and wrong; the loss also asks *how sure* the model was.")
        with st.expander("The same numbers in PyTorch"):
            st.code(
                "logits = model(images)                       # (500, 10)\n"
                "losses = F.cross_entropy(logits, labels, reduction='none')  # (500,)\n"
                "loss = F.cross_entropy(logits, labels)       # losses.mean()\n"
                "confusion = torch.zeros(10, 10, dtype=torch.long)\n"
                "confusion.index_put_((labels, logits.argmax(1)),\n"
                "                     torch.ones_like(labels), accumulate=True)",
                language="python",
            )


def mnist_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="mnist-digits")
    view = score(state)
    on_stage = stage(state, widths=(2.5, 2.4, 1.7))
    with on_stage.controls:
        choose_image(state, view)
        image_and_label(state, view)
    # On a phone the stage stacks (controls, loss, charts): the logit boxes and the
    # loss's details follow the charts there, so that the first chart is on the second
    # screen.
    charts = on_stage.charts.container()
    phone = on_a_phone()
    with on_stage.charts if phone else on_stage.controls:
        st.markdown("**Logits** — the model's scores for this image. Change any of them.")
        boxes = st.container()
    with boxes:
        one_image(state, on_stage, charts, phone, view)
    st.divider()
    whole_set(view)


mnist_page()
