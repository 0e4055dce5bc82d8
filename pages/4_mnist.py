"""Page 4 · MNIST digits: a real model's logits, its confident mistakes, and the loss of a set.

Widgets → ``xent_core`` (``explain`` for one image, ``mnist_report`` for the held-out set,
computed once per server) → figure builders in ``ui.mnist_figures``. The part that depends on
the logits runs in an ``st.fragment``, so editing a logit does not redraw the batch view.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import url_state
from ui.mnist_figures import (
    confusion_figure,
    digit_png,
    log_probability_bars,
    logit_bars,
    loss_histogram_figure,
    mark_image_loss,
    mean_loss_by_digit_figure,
    probability_bars,
    set_class_bars,
)
from ui.text import fmt
from ui.url_state import (
    Field,
    encode_float_list,
    parse_choice,
    parse_float_list,
    parse_int,
    widget_key,
)
from ui.widgets import (
    SHARED_FIELDS,
    current_log_base,
    input_error,
    page_header,
    show_figure,
)
from xent_core import explain, get_log_base
from xent_core.checks import check_logits
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import (
    HeldOutReport,
    held_out_report,
    loss_histogram,
    mean_by_class,
    top_confusions,
    typical_correct_example,
)

PAGE = "mnist"
TITLE = "4 · MNIST digits"
INTRO = (
    "A real classifier, trained with this very loss, reads handwritten digits it never saw "
    "during training. Pick an image, follow its ten **logits** to **probabilities** and a "
    "**loss**, change them, and then see that the loss of a whole data set is nothing more "
    "than the mean of these per-image losses."
)
DIGITS = tuple(range(10))
LOGIT_LIMIT = 1000.0  # same bound for the number inputs and for logits in a link
HISTOGRAM_BINS = 30
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
EDIT_ERROR = f"{PAGE}._edit_error"  # a rejected logit edit, shown under the inputs


def key(name: str) -> str:
    return widget_key(PAGE, name)


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


# Plotly takes 10-25 ms to build a figure but well under 1 ms to change its numbers. Figures
# that never change are shared by every session (cache_resource: no copy, never mutated);
# figures whose numbers follow the learner are built once per session and updated in place.


@st.cache_resource(show_spinner=False)
def by_digit_figure(base_key: str):
    report, base = held_out(), get_log_base(base_key)
    means = base.from_nats(mean_by_class(report.losses, report.labels))
    return mean_loss_by_digit_figure(means, mean_loss=float(base.from_nats(report.mean_loss)),
                                     base=base)


@st.cache_resource(show_spinner=False)
def confusion_matrix_figure():
    return confusion_figure(held_out().confusion)


def histogram(base_key: str):
    base = get_log_base(base_key)
    counts, edges = loss_histogram(base.from_nats(REPORT.losses), HISTOGRAM_BINS)
    return loss_histogram_figure(counts, edges, mean_loss=float(base.from_nats(REPORT.mean_loss)),
                                 base=base)


def session_figure(name: str, build):
    """This session's copy of a figure, built by ``build()`` on first use (see above)."""
    figures = st.session_state.setdefault(f"{PAGE}._figures", {})
    if name not in figures:
        figures[name] = build()
    return figures[name]


def bar_chart(name: str, build, values, label: int, digits: int, container) -> None:
    """One bar per digit: built once per session, then only its numbers change."""
    figure = session_figure(name, lambda: build(values, label))
    show_figure(set_class_bars(figure, values, label, digits), key=f"{PAGE}.{name}",
                container=container)


# ------------------------------------------------------------------------ URL fields


def parse_logits(raw: str) -> list[float]:
    return parse_float_list(10, 10, -LOGIT_LIMIT, LOGIT_LIMIT)(raw)


def encode_logits(values) -> str:
    return "" if values is None else encode_float_list(values)


REPORT = report_or_stop()
FIELDS = (
    Field("pick", "digit", parse_choice(tuple(PICK_MODES)), label="way of choosing an image"),
    Field("i", REPORT.default_index, parse_int(0, REPORT.n_samples - 1), label="image index"),
    Field("y", int(REPORT.labels[REPORT.default_index]), parse_int(0, 9),
          label="label to score against"),
    Field("x", None, parse_logits, encode_logits, label="edited logits"),
)


# --------------------------------------------------------------------- choosing an image


def show_image(index: int) -> None:
    """Switch to held-out image ``index``: its true label and the model's own logits."""
    st.session_state[key("i")] = int(index)
    st.session_state[key("y")] = int(REPORT.labels[index])
    st.session_state[key("x")] = None
    st.session_state.pop(EDIT_ERROR, None)


def candidates(mode: str, index: int) -> list[int]:
    """The images a picking mode offers (for "by digit": the images of ``index``'s digit)."""
    if mode == "digit":
        return REPORT.indices_of_digit(REPORT.labels[index]).tolist()
    if mode == "index":
        return list(range(REPORT.n_samples))
    ranked = {"wrong": REPORT.most_confidently_wrong, "unsure": REPORT.most_unsure,
              "right": REPORT.confidently_right}
    return ranked[mode].tolist()


def on_mode_change() -> None:
    mode, index = st.session_state[key("pick")], st.session_state[key("i")]
    offered = candidates(mode, index)
    if index not in offered:
        show_image(offered[0])


def on_digit_change() -> None:
    """A new digit starts on a typical correctly classified image of it."""
    digit = st.session_state[f"{PAGE}._digit"]
    try:
        show_image(typical_correct_example(REPORT.losses, REPORT.labels, REPORT.predictions,
                                           digit))
    except ValueError:  # the model gets no image of this digit right
        show_image(REPORT.indices_of_digit(digit)[0])


def on_pick(widget: str) -> None:
    picked = st.session_state[widget]
    if picked is not None:
        show_image(picked)


def describe(index: int, mode: str, base) -> str:
    """One line per image in a picking list, e.g. “#88 · a 4 read as 9 · loss 7.73 nats”."""
    true, predicted = int(REPORT.labels[index]), int(REPORT.predictions[index])
    verdict = f"a {true}" if true == predicted else f"a {true} read as {predicted}"
    if mode == "unsure":
        amount = f"entropy {fmt(base.from_nats(REPORT.entropies[index]), 2)}"
    else:
        amount = f"loss {fmt(base.from_nats(REPORT.losses[index]), 3)}"
    return f"#{index} · {verdict} · {amount} {base.unit}"


def choose_image() -> None:
    st.subheader("1 · Choose a held-out image")
    st.segmented_control("Choose", options=list(PICK_MODES), format_func=PICK_MODES.get,
                         key=key("pick"), required=True, on_change=on_mode_change,
                         label_visibility="collapsed")
    mode, index = url_state.value(PAGE, "pick"), url_state.value(PAGE, "i")
    base = current_log_base()
    if mode == "index":
        widget = f"{PAGE}._index"
        st.session_state[widget] = index
        st.number_input(f"Image index (0 to {REPORT.n_samples - 1})", min_value=0,
                        max_value=REPORT.n_samples - 1, step=1, key=widget, width=260,
                        on_change=on_pick, args=(widget,))
        return
    if mode == "digit":
        st.session_state[f"{PAGE}._digit"] = int(REPORT.labels[index])
        st.pills("True digit", options=DIGITS, key=f"{PAGE}._digit", required=True,
                 on_change=on_digit_change)
    else:
        st.caption(RANKED_LIST_HELP[mode])
    offered = candidates(mode, index)
    widget = f"{PAGE}._list.{mode}"
    st.session_state[widget] = index if index in offered else None
    st.selectbox(f"Image ({len(offered)} in this list)", options=offered,
                 format_func=lambda i: describe(i, mode, base), key=widget, width=520,
                 placeholder="Choose an image from this list", on_change=on_pick,
                 args=(widget,))


# ------------------------------------------------------------- one image, step by step


def logit_widget(digit: int) -> str:
    return f"{PAGE}._logit.{digit}"


def on_logit_edit() -> None:
    """Keep the ten inputs as the page's logits if they are valid; else say why, inline."""
    typed = [st.session_state.get(logit_widget(d)) for d in DIGITS]
    try:
        if any(v is None for v in typed):
            empty = next(d for d, v in enumerate(typed) if v is None)
            raise ValueError(f"The logit of digit {empty} is empty; type a number.")
        values = check_logits(typed).tolist()
        if any(abs(v) > LOGIT_LIMIT for v in values):
            raise ValueError(f"Logits must lie between −{LOGIT_LIMIT:g} and {LOGIT_LIMIT:g}.")
    except ValueError as error:  # remembered with the state it applies to
        st.session_state[EDIT_ERROR] = (str(error), url_state.value(PAGE, "i"),
                                        url_state.value(PAGE, "x"))
        return
    st.session_state.pop(EDIT_ERROR, None)
    model = REPORT.logits[url_state.value(PAGE, "i")].tolist()
    st.session_state[key("x")] = None if values == model else values


def back_to_model() -> None:
    st.session_state[key("x")] = None
    st.session_state.pop(EDIT_ERROR, None)


def current_logits(index: int) -> np.ndarray:
    edited = url_state.value(PAGE, "x")
    return REPORT.logits[index] if edited is None else np.asarray(edited, dtype=float)


def edit_error(index: int) -> str | None:
    """The message about a rejected edit, while the image and logits are still those it was
    typed over (a reset, another image or a link makes it obsolete)."""
    error = st.session_state.get(EDIT_ERROR)
    if error is None or error[1:] != (index, url_state.value(PAGE, "x")):
        st.session_state.pop(EDIT_ERROR, None)
        return None
    return error[0]


def logit_inputs(index: int, logits: np.ndarray) -> None:
    """Ten number inputs, one per digit, holding the logits being scored."""
    st.markdown("**Logits** — the model's scores for this image. Change any of them.")
    error = edit_error(index)
    if error is None:  # after a rejected edit, the inputs keep what the learner typed
        for d in DIGITS:
            st.session_state[logit_widget(d)] = float(logits[d])
    for row in (DIGITS[:5], DIGITS[5:]):
        for column, d in zip(st.columns(5), row, strict=True):
            # No min/max: an out-of-range number gets a message, not a silent clamp.
            column.number_input(f"digit {d}", step=0.5, format="%.3f", key=logit_widget(d),
                                on_change=on_logit_edit)
    if error is not None:
        input_error(error + " The charts show the last valid logits.")
    edited = url_state.value(PAGE, "x") is not None
    st.button(":material/undo: Back to the model's logits", key=f"{PAGE}.back",
              on_click=back_to_model,
              disabled=not edited and error is None,
              help="Forget your edits and use the logits the model computed for this image.")


def loss_summary(breakdown, true_label: int, model_logits_used: bool) -> None:
    base, label = breakdown.log_base, breakdown.target
    p = breakdown.probabilities[label]
    columns = st.columns(3)
    title = (f"Loss for the true label ({label})" if label == true_label
             else f"Loss if the label were {label}")
    columns[0].metric(title, f"{fmt(breakdown.loss, 4)} {base.unit}")
    columns[0].caption(f"−{base.log_name} p{subscript(label)} = −{base.log_name} {fmt(p, 4)}")
    if label != true_label:
        true_loss = explain(breakdown.logits, true_label, log_base=base).loss
        columns[1].metric(f"Loss for the true label ({true_label})",
                          f"{fmt(true_loss, 4)} {base.unit}")
        columns[1].caption(f"Scoring against {label} instead of {true_label} changes only "
                           "which probability the loss picks.")
    else:
        columns[1].metric("Probability of the true label", fmt(p, 4))
        columns[1].caption("The closer to 1, the closer the loss is to 0.")
    predicted = breakdown.predicted
    verdict = "right" if predicted == true_label else "wrong"
    columns[2].metric("Prediction (largest logit)", f"{predicted} ({verdict})")
    columns[2].caption("The model's own logits." if model_logits_used else "Your edited logits.")


def write_url_after_fragment_rerun() -> None:
    """A fragment rerun skips the end of ``app.py``, so write the URL here (the same way)."""
    context = get_script_run_ctx()
    if context is not None and context.fragment_ids_this_run:
        url_state.start_page(PAGE, FIELDS)
        url_state.end_run(SHARED_FIELDS)


@st.fragment
def one_image() -> None:
    """The chosen image's logits → probabilities → log-probabilities → loss."""
    base = current_log_base()
    index = url_state.value(PAGE, "i")
    true_label = int(REPORT.labels[index])
    logits = current_logits(index)
    st.subheader("2 · From logits to the loss of one image")
    picture_column, input_column = st.columns([1, 3], gap="large")
    picture_column.image(picture(index), caption=f"Held-out image #{index}, true label "
                         f"{true_label}", alt=f"Handwritten digit {true_label} (28 × 28 pixels)")
    with input_column:
        logit_inputs(index, logits)
        st.segmented_control("Score against the label", options=DIGITS, key=key("y"),
                             required=True, format_func=lambda d: f"{d} ✓" if d == true_label
                             else str(d), help="The loss is −log p of this label. The true "
                             "label is ticked; pick another to see what its loss would be.")
    breakdown = explain(logits, url_state.value(PAGE, "y"), log_base=base)
    loss_summary(breakdown, true_label, url_state.value(PAGE, "x") is None)
    label = breakdown.target
    columns = st.columns(3)
    bar_chart("logits", logit_bars, breakdown.logits, label, 2, columns[0])
    bar_chart("probabilities", probability_bars, breakdown.probabilities, label, 3, columns[1])
    bar_chart(f"log_probabilities.{base.key}", partial(log_probability_bars, base=base),
              breakdown.log_probabilities, label, 2, columns[2])
    st.caption(f"The outlined bar is the label being scored, {label}: its loss is minus its "
               f"log-probability, −({minus(fmt(breakdown.picked_log_probability, 4))}) = "
               f"{fmt(breakdown.loss, 4)} {base.unit}.")
    write_url_after_fragment_rerun()


# -------------------------------------------------------------------- the whole data set


def whole_set() -> None:
    base = current_log_base()
    index = url_state.value(PAGE, "i")
    n = REPORT.n_samples
    mean, total = base.from_nats(REPORT.mean_loss), base.from_nats(REPORT.total_loss)
    st.subheader(f"3 · The loss of all {n} held-out images")
    columns = st.columns(4)
    columns[0].metric("Held-out images", f"{n}")
    columns[1].metric("Accuracy", f"{fmt(100 * REPORT.accuracy, 1)} %")
    columns[2].metric("Misclassified", f"{REPORT.n_wrong}")
    columns[3].metric(f"Mean loss ({base.unit})", fmt(mean, 4))
    st.markdown(
        f"Every image has its own loss, like the one above. The loss of the data set is their "
        f"mean: (loss₀ + loss₁ + … + loss{subscript(n - 1)}) / {n} = {fmt(total, 2)} / {n} = "
        f"**{fmt(mean, 4)} {base.unit}** — exactly what `F.cross_entropy(logits, labels)` "
        "returns with its default `reduction='mean'`. A handful of confident mistakes with "
        "losses of several units pull that mean up far more than hundreds of easy images."
    )
    left, right = st.columns(2)
    marked = mark_image_loss(session_figure(f"histogram.{base.key}", partial(histogram, base.key)),
                             float(base.from_nats(REPORT.losses[index])))
    show_figure(marked, key=f"{PAGE}.histogram", container=left)
    left.caption(f"Dashed: the mean, {fmt(mean, 3)} {base.unit}. :orange[Orange]: the image "
                 f"chosen above, #{index}, at {fmt(base.from_nats(REPORT.losses[index]), 3)} "
                 f"{base.unit} with the model's logits.")
    show_figure(by_digit_figure(base.key), key=f"{PAGE}.by_digit", container=right)
    matrix, notes = st.columns([3, 2], gap="large")
    with matrix:
        st.markdown("**Confusion matrix**: how often each true digit (row) was predicted as "
                    "each digit (column).")
        show_figure(confusion_matrix_figure(), key=f"{PAGE}.confusion")
    with notes:
        st.markdown("**Most frequent mistakes**")
        st.markdown("\n".join(
            f"- a **{t}** read as **{p}**: {count} time{'s' if count > 1 else ''}"
            for t, p, count in top_confusions(REPORT.confusion, 5)
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
    url_state.start_page(PAGE, FIELDS)
    page_header(PAGE, FIELDS, TITLE, INTRO)
    choose_image()
    one_image()
    st.divider()
    whole_set()


mnist_page()
