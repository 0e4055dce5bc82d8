"""Start here: the whole pipeline once, with real numbers, and one entry per lesson."""

import streamlit as st

from ui.lesson_state import current_log_base
from ui.lessons import LESSONS
from ui.text import fmt
from xent_core.lessons import FIVE_CLASS_NAMES, FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET, five_classes


def pipeline_steps(breakdown, names) -> list[tuple[str, str, str]]:
    """The eight steps as (title, value for the true class, what the step does)."""
    base = breakdown.log_base
    t = breakdown.target
    return [
        ("1 · logits x", f"{names[t]}: {fmt(breakdown.logits[t], 2)}",
         "The model's raw score for each class; any real number."),
        ("2 · exp(x)", fmt(breakdown.exp[t], 2), "e to the logit: always positive."),
        ("3 · ÷ sum of exps", f"÷ {fmt(breakdown.sum_exp, 2)}",
         "Add up every class's exp and divide by the total."),
        ("4 · probabilities p", fmt(breakdown.probabilities[t], 3),
         "That is softmax: between 0 and 1, summing to 1 over the classes."),
        (f"5 · {base.log_name} p", fmt(breakdown.picked_log_probability, 3),
         "The log of a probability is at most 0; near 0 for a confident right answer."),
        ("6 · pick the true class", names[t],
         "Only the true class's log-probability is kept (an index lookup)."),
        ("7 · × −1 = loss", f"{fmt(breakdown.loss, 3)} {base.unit}",
         "Negate so that a better prediction gives a smaller loss."),
        ("8 · mean over a batch", "pages 1, 3, 4",
         "A batch's loss is the mean of its examples' losses."),
    ]


def home() -> None:
    st.title("Cross-Entropy Lab")
    st.markdown(
        "A classifier outputs one number per class, the **logits**. Cross-entropy turns them "
        "into a single **loss** that is small when the model gives the true class a high "
        "probability and huge when it is confidently wrong. Every page here lets you change "
        "the inputs and watch each step respond."
    )
    view = five_classes(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET, log_base=current_log_base())
    st.subheader("The pipeline, on the five-class example (true class: fish)")
    steps = pipeline_steps(view.breakdown, FIVE_CLASS_NAMES)
    for row in (steps[:4], steps[4:]):
        for column, (title, value, help_text) in zip(st.columns(4), row, strict=True):
            column.metric(title, value, help=help_text, border=True)
    st.caption(
        "PyTorch's `F.cross_entropy` does all of it in one call: `log_softmax` (exp, ÷ sum "
        "and log, computed stably) followed by `nll_loss` (pick, × −1, mean)."
    )
    st.subheader("The lessons")
    for first in range(0, len(LESSONS), 2):  # row by row, so a phone reads them in order
        for column, lesson in zip(st.columns(2), LESSONS[first:first + 2], strict=False):
            with column.container(border=True):
                st.page_link(lesson.file, label=lesson.title, icon=lesson.icon)
                st.markdown(lesson.blurb)


home()
