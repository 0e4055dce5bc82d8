"""Start here: the whole pipeline once, with real numbers, and one entry per lesson."""

import streamlit as st

from ui.text import fmt
from ui.widgets import current_log_base
from xent_core import explain
from xent_core.lessons import FIVE_CLASS_NAMES, FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET

LESSONS = [
    ("pages/1_cat_vs_dog.py", "1 · Cat vs dog",
     "The fast.ai spreadsheet: one-hot labels, confident-right vs confident-wrong rows, the "
     "“if” form as an index lookup, and the “screwy” losses of rows that don't sum to 1."),
    ("pages/2_five_classes.py", "2 · Five classes",
     "Softmax by hand for cat, dog, plane, fish, building: output → exp → sum → softmax, the "
     "gradient p − one-hot, and gradient steps you can take yourself."),
    ("pages/3_pytorch_batch.py", "3 · The PyTorch batch",
     "softmax → log → nll_loss, log_softmax, and F.cross_entropy on a 3 × 5 batch: three "
     "routes, one number (≈ 1.031), plus the options PyTorch users meet."),
    ("pages/4_mnist.py", "4 · MNIST digits",
     "Real handwritten digits and a real model trained with this very loss: its logits, its "
     "confident mistakes, and the mean loss over a whole data set."),
]


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
    breakdown = explain(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET, log_base=current_log_base())
    st.subheader("The pipeline, on the five-class example (true class: fish)")
    steps = pipeline_steps(breakdown, FIVE_CLASS_NAMES)
    for row in (steps[:4], steps[4:]):
        for column, (title, value, help_text) in zip(st.columns(4), row, strict=True):
            column.metric(title, value, help=help_text, border=True)
    st.caption(
        "PyTorch's `F.cross_entropy` does all of it in one call: `log_softmax` (exp, ÷ sum "
        "and log, computed stably) followed by `nll_loss` (pick, × −1, mean)."
    )
    st.subheader("The lessons")
    for i, (path, title, blurb) in enumerate(LESSONS):
        if i % 2 == 0:  # one row of two per pair: on a phone the cards stack as 1, 2, 3, 4
            columns = st.columns(2)
        with columns[i % 2].container(border=True):
            st.page_link(path, label=title)
            st.markdown(blurb)


home()
