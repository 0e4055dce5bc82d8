"""Page 2 · Five classes: softmax by hand (the lesson's table), then gradient steps.

Reads like the lesson: the logits → exp → sum of exps → exp ÷ sum = softmax → log p → the
true class's −log p, then the gradient p − one-hot and steps downhill. Widgets collect the
inputs, :mod:`xent_core` computes every number, :mod:`ui.five_class_figures` draws.

State: the logits, class names, true class, temperature and learning rate live in the URL
(fields below). Each logit has two widgets, a slider and a number box; both copy their
value into the one URL field ``x`` in their ``on_change`` callback, and are refreshed from it
before they are drawn, so they never disagree.
"""

from __future__ import annotations

import streamlit as st

from ui import url_state
from ui.checkpoint import predict_checkpoints
from ui.five_class_figures import (
    logit_figure,
    loss_history_figure,
    probability_figure,
    softmax_table,
)
from ui.text import escape_markdown, fmt
from ui.url_state import (
    Field,
    encode_float,
    encode_float_list,
    parse_float,
    parse_float_list,
    parse_int,
)
from ui.widgets import current_log_base, input_error, page_header, show_figure
from xent_core import Breakdown, LogBase, explain
from xent_core.lessons import FIVE_CLASS_NAMES, FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET
from xent_core.steps import amplification, gradient_descent, gradient_step, stable_exp

PAGE = "five"
MIN_CLASSES, MAX_CLASSES = 2, 10
SLIDER_LIMIT = 10.0  # the sliders' range is ±10; the number boxes take up to ±LOGIT_LIMIT
LOGIT_LIMIT = 1e4
NAME_LENGTH = 24
HISTORY_LENGTH = 200  # steps kept in the loss history
TEMPERATURE_RANGE = (0.1, 5.0)
LR_RANGE = (0.1, 10.0)

TITLE = "Five classes: softmax by hand"
INTRO = (
    "One image, five classes. The model's last layer gives one number per class, the "
    "**logits**. Raising *e* to each makes them positive, dividing by their sum makes them add "
    "up to 1 (that is **softmax**), and the **loss** is minus the log of the probability given "
    "to the true class. Move any logit and watch every column, bar and arrow follow."
)


# ------------------------------------------------------------------- class names (input)


def name_problem(name: str, other_names: list[str]) -> str | None:
    """Why ``name`` cannot be a class name next to ``other_names`` (None if it can)."""
    text = str(name).strip()
    if not text:
        return "A class needs a name; this one is empty."
    if len(text) > NAME_LENGTH:
        return f"Keep class names to {NAME_LENGTH} characters; this one has {len(text)}."
    if not text.isprintable():
        return "Class names cannot contain line breaks or other control characters."
    if text.casefold() in {other.casefold() for other in other_names}:
        return f"Another class is already called “{text}”; every class needs its own name."
    return None


def parse_names(raw: list[str]) -> list[str]:
    """The URL's ``names=cat&names=dog&…``: 2 to 10 distinct, non-empty, short names."""
    names = [str(r) for r in raw] if isinstance(raw, list) else [str(raw)]
    if not MIN_CLASSES <= len(names) <= MAX_CLASSES:
        raise ValueError(f"it must list {MIN_CLASSES} to {MAX_CLASSES} class names")
    cleaned: list[str] = []
    for name in names:
        problem = name_problem(name, cleaned)
        if problem:
            raise ValueError(problem.rstrip("."))
        cleaned.append(name.strip())
    return cleaned


FIELDS = (
    Field("x", tuple(FIVE_CLASS_OUTPUTS),
          parse_float_list(MIN_CLASSES, MAX_CLASSES, -LOGIT_LIMIT, LOGIT_LIMIT),
          encode_float_list, label="logits"),
    Field("names", tuple(FIVE_CLASS_NAMES), parse_names, list, multi=True, label="class names"),
    Field("target", FIVE_CLASS_TARGET, parse_int(0, MAX_CLASSES - 1), label="true class"),
    Field("T", 1.0, parse_float(*TEMPERATURE_RANGE), encode_float, label="temperature"),
    Field("lr", 1.0, parse_float(*LR_RANGE), encode_float, label="learning rate"),
)

# Session-state keys that are not in the URL.
DRAFTS = f"{PAGE}._name_drafts"  # class index -> rejected text, kept in its box with an error
HISTORY = f"{PAGE}._history"  # {"state": (logits, target, T), "losses": [loss in nats, ...]}
STEP_NOTE = f"{PAGE}._step_note"  # why the last step button did nothing


def key(name: str) -> str:
    return url_state.widget_key(PAGE, name)


def row_key(kind: str, i: int) -> str:
    """The key of class ``i``'s slider, number box, name box or remove button."""
    return key(f"{kind}.{i}")


def get(name: str):
    return url_state.value(PAGE, name)


def put(name: str, value) -> None:
    st.session_state[key(name)] = value


# ------------------------------------------------------------------------- callbacks


def set_logit(i: int, value: float | None) -> None:
    if value is None:  # an emptied number box: keep the logit
        return
    logits = list(get("x"))
    logits[i] = float(value)
    put("x", tuple(logits))


def on_slider(i: int) -> None:
    set_logit(i, st.session_state[row_key("slider", i)])


def on_box(i: int) -> None:
    set_logit(i, st.session_state[row_key("box", i)])


def on_name(i: int) -> None:
    """Accept a new name if it is valid, else keep it as a draft shown with its error.

    Drafts rejected as duplicates may become valid once another name changes, so every
    draft is tried again.
    """
    drafts = st.session_state.setdefault(DRAFTS, {})
    drafts[i] = st.session_state[row_key("name", i)]
    names = list(get("names"))
    for j in sorted(drafts):
        if name_problem(drafts[j], names[:j] + names[j + 1:]) is None:
            names[j] = drafts.pop(j).strip()
    put("names", tuple(names))


def new_class_name(names: list[str]) -> str:
    taken = {name.casefold() for name in names}
    number = len(names) + 1
    while f"class {number}" in taken:
        number += 1
    return f"class {number}"


def add_class() -> None:
    logits, names = list(get("x")), list(get("names"))
    if len(logits) < MAX_CLASSES:
        put("x", (*logits, 0.0))
        put("names", (*names, new_class_name(names)))


def remove_class(i: int) -> None:
    logits, names, target = list(get("x")), list(get("names")), get("target")
    if len(logits) <= MIN_CLASSES or i == target:
        return
    del logits[i], names[i]
    put("x", tuple(logits))
    put("names", tuple(names))
    put("target", target - 1 if target > i else target)
    drafts = st.session_state.get(DRAFTS, {})
    st.session_state[DRAFTS] = {j - (j > i): text for j, text in drafts.items() if j != i}


def state_signature() -> tuple:
    return (tuple(get("x")), get("target"), get("T"))


def take_steps(count: int) -> None:
    """``count`` gradient steps from the current logits; their losses join the history."""
    st.session_state.pop(STEP_NOTE, None)
    descent = gradient_descent(get("x"), get("target"), get("lr"), count, get("T"))
    end = [float(v) for v in descent.logits[-1]]
    if any(abs(v) > LOGIT_LIMIT for v in end):
        st.session_state[STEP_NOTE] = (
            f"That step would push a logit past ±{LOGIT_LIMIT:,.0f}, the largest this page "
            "accepts. Lower the learning rate or reset."
        )
        return
    history = st.session_state.get(HISTORY)
    earlier = history["losses"] if history and history["state"] == state_signature() else []
    losses = (earlier or [float(descent.losses[0])]) + [float(v) for v in descent.losses[1:]]
    put("x", tuple(end))
    st.session_state[HISTORY] = {"state": state_signature(), "losses": losses[-HISTORY_LENGTH:]}


# ------------------------------------------------------------------------------ state


def load_state() -> None:
    """Fields from the URL (or the preset), made consistent with each other."""
    url_state.start_page(PAGE, FIELDS)
    logits, names, target = get("x"), get("names"), get("target")
    if len(names) != len(logits):
        url_state.add_note(
            PAGE,
            f"The link gives {len(logits)} logits but {len(names)} class names, so neither "
            "was used; showing the lesson's example instead."
        )
        for f in FIELDS[:3]:
            put(f.name, f.default)
    elif target >= len(logits):
        url_state.add_note(
            PAGE,
            f"The link's true class (number {target}) is not one of its {len(logits)} "
            "classes; the first class is the true class instead."
        )
        put("target", 0)


def forget_after_reset() -> None:
    """The reset button (drawn by ``page_header``) also clears drafts and the step history."""
    if st.session_state.get(f"{PAGE}.reset"):
        for name in (DRAFTS, HISTORY, STEP_NOTE):
            st.session_state.pop(name, None)


def sync_row_widgets(logits, names) -> None:
    """Put the URL fields' values into each class's slider, number box and name box."""
    drafts = st.session_state.setdefault(DRAFTS, {})
    for i, (value, name) in enumerate(zip(logits, names, strict=True)):
        st.session_state[row_key("slider", i)] = min(max(value, -SLIDER_LIMIT), SLIDER_LIMIT)
        st.session_state[row_key("box", i)] = float(value)
        st.session_state[row_key("name", i)] = drafts.get(i, name)


def current_history() -> list[float] | None:
    """Losses (nats) of the steps taken, if the learner has not changed the inputs since."""
    history = st.session_state.get(HISTORY)
    if history and history["state"] == state_signature():
        return history["losses"]
    st.session_state.pop(HISTORY, None)
    return None


# ---------------------------------------------------------------------------- widgets


def class_rows(logits, names, target: int) -> None:
    """One row per class: its name, a slider, a number box and a remove button."""
    drafts = st.session_state.get(DRAFTS, {})
    widths = [2.2, 4.5, 1.8, 0.5]
    header = st.columns(widths)
    header[0].caption("class name")
    header[1].caption(f"logit x (slider: −{SLIDER_LIMIT:g} to {SLIDER_LIMIT:g})")
    header[2].caption(f"exact value (±{LOGIT_LIMIT:,.0f})")
    for i, value in enumerate(logits):
        name_col, slider_col, box_col, remove_col = st.columns(
            widths, vertical_alignment="center")
        name_col.text_input(
            f"Name of class {i + 1}", key=row_key("name", i), max_chars=NAME_LENGTH,
            label_visibility="collapsed", on_change=on_name, args=(i,),
        )
        slider_col.slider(
            f"Logit of class {i + 1} (slider)", -SLIDER_LIMIT, SLIDER_LIMIT, step=0.01,
            format="%.3f",
            key=row_key("slider", i), label_visibility="collapsed", on_change=on_slider,
            args=(i,),
        )
        box_col.number_input(
            f"Logit of class {i + 1} (exact value)", -LOGIT_LIMIT, LOGIT_LIMIT, step=0.01,
            format="%.3f", key=row_key("box", i), label_visibility="collapsed",
            on_change=on_box, args=(i,),
        )
        remove_col.button(
            "", icon=":material/close:", key=row_key("remove", i), on_click=remove_class, args=(i,),
            disabled=len(logits) <= MIN_CLASSES or i == target,
            help=("Remove this class" if i != target and len(logits) > MIN_CLASSES else
                  "The true class, or one of the last two, can't be removed"),
        )
        if i in drafts:
            input_error(f"{name_problem(drafts[i], names[:i] + names[i + 1:])} "
                        f"The page still calls it “{names[i]}”.", container=name_col)
        if abs(value) > SLIDER_LIMIT:
            slider_col.caption(
                f"The logit is {fmt(value, 3)}, beyond the slider's ±{SLIDER_LIMIT:g}: the "
                "slider waits at its end, the box holds the value.")


def class_controls(names, n_classes: int) -> None:
    """The true class, the temperature, and adding a class."""
    st.radio(
        "The true class (what the image really shows)", options=list(range(n_classes)),
        format_func=lambda i: escape_markdown(names[i]), key=key("target"), horizontal=True,
    )
    st.slider(
        "Temperature T (softmax uses x / T)", *TEMPERATURE_RANGE, step=0.05, key=key("T"),
        help="Below 1 sharpens the probabilities towards the largest logit; above 1 "
        "flattens them towards uniform. T = 1 is plain softmax.",
    )
    st.button(
        "Add a class", key=key("add"), on_click=add_class, icon=":material/add:",
        disabled=n_classes >= MAX_CLASSES, width="stretch",
        help=f"From {MIN_CLASSES} to {MAX_CLASSES} classes. The new class starts at logit 0.",
    )


# ----------------------------------------------------------------------------- results


def show_table(b: Breakdown, names, temperature: float) -> None:
    stable = stable_exp(b.logits, temperature) if b.exp_overflows else None
    st.dataframe(softmax_table(b, names, temperature, stable), hide_index=True, width="stretch",
                 column_config={"true": st.column_config.TextColumn("", width=30)})


def loss_summary(b: Breakdown, names, base: LogBase) -> None:
    true_name = escape_markdown(names[b.target])
    st.metric(f"Loss for the true class, {true_name}",
              f"{fmt(b.loss, 4)} {base.unit}")
    st.markdown(
        f"p({true_name}) = {fmt(b.probabilities[b.target], 4)}, so the loss is "
        f"−{base.log_name} {fmt(b.probabilities[b.target], 4)} = **{fmt(b.loss, 4)} "
        f"{base.unit}**. The sum of exps is {fmt(b.sum_exp, 2)}; every p is that row's exp "
        "divided by it, so the p column adds up to 1."
    )
    predicted = b.predicted
    verdict = "right" if predicted == b.target else "wrong"
    st.markdown(
        f"The model's top class is **{escape_markdown(names[predicted])}** "
        f"(p = {fmt(b.probabilities[predicted], 3)}): it is **{verdict}**."
    )


def amplification_note(logits, names, temperature: float) -> None:
    amp = amplification(logits, temperature)
    top, other = escape_markdown(names[amp.top]), escape_markdown(names[amp.runner_up])
    gap = (f"{fmt(logits[amp.top], 3)} − ({fmt(logits[amp.runner_up], 3)}) = "
           f"{fmt(amp.gap, 3)}")
    exponent = fmt(amp.scaled_gap, 3)
    if temperature != 1.0:
        exponent = f"({fmt(amp.gap, 3)} / {temperature:g}) = e^{fmt(amp.scaled_gap, 3)}"
    times = "more than 10³⁰⁸" if amp.ratio == float("inf") else f"≈ {fmt(amp.ratio, 1)}"
    st.info(
        f"**Exp amplifies gaps.** {top}'s logit is {gap} above {other}'s, so exp makes "
        f"it e^{exponent} {times} times larger, and softmax keeps that ratio between their "
        "probabilities. Adding the same number to every logit changes nothing: only the "
        "gaps count.",
        icon=":material/zoom_in:",
    )


def overflow_note(b: Breakdown) -> None:
    if b.exp_overflows:
        st.warning(
            "**The by-hand route overflows.** e raised to a logit this large is beyond the "
            "largest 64-bit float (about 1.8 × 10³⁰⁸), so the exp column shows ∞ and ∞ ÷ ∞ "
            "is undefined; softmax instead subtracts the largest logit first (the "
            "exp(x − max) column, every entry at most 1), which cancels in the division, so "
            "the probabilities and the loss shown are exact — PyTorch does the same.",
            icon=":material/all_inclusive:",
        )


def gradient_panel(b: Breakdown, names, history: list[float] | None) -> None:
    """The learning rate, the step buttons, and the loss over the steps taken so far."""
    base = b.log_base
    t = b.target
    true_name = escape_markdown(names[t])
    controls_col, history_col = st.columns([1, 1.3], gap="large")
    with controls_col:
        st.markdown(
            f"The gradient of the loss (in nats) with respect to each logit is p − one-hot: "
            f"{fmt(b.probabilities[t], 4)} − 1 = **{fmt(b.grad[t], 4)}** for {true_name}, and "
            "simply p for every other class (the arrows above). A step moves each logit against "
            "its gradient: the true class up, the others down, most of all the ones that take "
            "the most probability."
        )
        st.slider("Learning rate lr (a step is x ← x − lr · gradient)", *LR_RANGE, step=0.1,
                  key=key("lr"))
        one, ten = st.columns(2)
        one.button("Take a gradient step", key=key("step1"), on_click=take_steps, args=(1,),
                   type="primary", width="stretch")
        ten.button("Take 10 steps", key=key("step10"), on_click=take_steps, args=(10,),
                   width="stretch")
        if STEP_NOTE in st.session_state:
            input_error(st.session_state[STEP_NOTE])
    with history_col:
        if history:
            losses = base.from_nats(history)
            show_figure(loss_history_figure(losses, base, t), key=key("fig.history"))
            st.caption(
                f"{len(losses) - 1} step(s) so far: the loss fell from {fmt(losses[0], 4)} to "
                f"{fmt(losses[-1], 4)} {base.unit}. Moving a slider or changing the true class "
                "or the temperature starts a new history.")
        else:
            st.info(
                f"Take a step to watch the loss fall from {fmt(b.loss, 4)} {base.unit}. Each "
                "step's loss is plotted here.", icon=":material/trending_down:")


# ------------------------------------------------------------------------------- page


def five_classes() -> None:
    load_state()
    page_header(PAGE, FIELDS, TITLE, INTRO)
    predict_checkpoints("five-classes")  # issue 11: predict, then reveal
    forget_after_reset()
    logits, names, target = list(get("x")), list(get("names")), get("target")
    temperature, lr = get("T"), get("lr")
    sync_row_widgets(logits, names)
    base = current_log_base()

    st.subheader("1 · The logits")
    rows_col, controls_col = st.columns([3, 1.3], gap="large")
    with rows_col:
        class_rows(logits, names, target)
    with controls_col:
        class_controls(names, len(logits))

    b = explain(logits, target, log_base=base, temperature=temperature)
    st.subheader("2 · Softmax by hand: exp, sum, divide, then −log of the true class")
    show_table(b, names, temperature)
    overflow_note(b)
    loss_col, amp_col = st.columns([1, 1.4], gap="large")
    with loss_col:
        loss_summary(b, names, base)
    with amp_col:
        amplification_note(b.logits, names, temperature)

    next_logits = gradient_step(logits, target, lr, temperature)
    logit_col, prob_col = st.columns(2)
    show_figure(logit_figure(logits, next_logits, b.grad, names, target, lr=lr),
                key=key("fig.logits"), container=logit_col)
    show_figure(probability_figure(b.probabilities, names, target), key=key("fig.p"),
                container=prob_col)

    st.subheader("3 · The gradient, and gradient steps")
    gradient_panel(b, names, current_history())


five_classes()
