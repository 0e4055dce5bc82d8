"""Page 2 · Five classes: softmax by hand (the lesson's table), then gradient steps.

Reads like the lesson: the logits → exp → sum of exps → exp ÷ sum = softmax → log p → the
true class's −log p, then the gradient p − one-hot and steps downhill.

inputs (``lesson_state``) → one call, :func:`xent_core.lessons.five_classes` → draw.
Each class's row (its name, a logit slider, an exact-value box, a remove button) is one
element, :mod:`ui.class_rows`; the slider and the box both write the one URL field ``x``.
The charts, the loss and the numbers (the table, the callouts, the gradient) are places
(:mod:`ui.live`): a move sends the rows and one element that updates them all in place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.class_rows import Row, class_rows
from ui.details import (
    callout,
    caption,
    details,
    paragraph,
    side_by_side,
    strong,
    table,
    text,
)
from ui.edits import Edit
from ui.five_class_figures import (
    logit_figure,
    loss_history_figure,
    probability_figure,
    softmax_columns,
)
from ui.lesson_state import LessonState, Stage, lesson_fragment, lesson_state, section, stage
from ui.logit_rows import apply_logit_edit, logit_row
from ui.text import escape_markdown, fmt
from ui.url_state import (
    LOGIT_LIMIT,
    MAX_CLASSES,
    MIN_CLASSES,
    Field,
    encode_float,
    encode_float_list,
    parse_float,
    parse_float_list,
    parse_int,
)
from ui.widgets import input_error, show_figure
from xent_core.lessons import (
    FIVE_CLASS_NAMES,
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    FiveClassView,
    five_class_steps,
    five_classes,
)

PAGE = "five"
SLIDER_LIMIT = 10.0  # the sliders' range is ±10; the boxes take any logit up to ±LOGIT_LIMIT
NAME_LENGTH = 24
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


def check_link(state: LessonState) -> None:
    """A link's logits, names and true class must fit together; else a note says what."""
    logits, names, target = state["x"], state["names"], state["target"]
    if len(names) != len(logits):
        state.note(f"The link gives {len(logits)} logits but {len(names)} class names, so "
                   "neither was used; showing the lesson's example instead.")
        for f in FIELDS[:3]:
            state.set(f.name, f.default)
    elif target >= len(logits):
        state.note(f"The link's true class (number {target}) is not one of its "
                   f"{len(logits)} classes; the first class is the true class instead.")
        state.set("target", 0)


def row_key(kind: str, i: int) -> str:
    """The key of class ``i``'s ``kind`` of input (the exact box's messages are kept under
    ``row_key("box", i)``)."""
    return f"{PAGE}.{kind}.{i}"


# ------------------------------------------------------------------------- callbacks


def on_name(state: LessonState, i: int, text: str) -> None:
    """Accept a new name if it is valid, else keep it as a draft shown with its error.

    Drafts rejected as duplicates may become valid once another name changes, so every
    draft is tried again.
    """
    drafts = st.session_state.setdefault(state.private("drafts"), {})
    drafts[i] = text
    names = list(state["names"])
    for j in sorted(drafts):
        if name_problem(drafts[j], names[:j] + names[j + 1:]) is None:
            names[j] = drafts.pop(j).strip()
    state.set("names", tuple(names))


def new_class_name(names: list[str]) -> str:
    taken = {name.casefold() for name in names}
    number = len(names) + 1
    while f"class {number}" in taken:
        number += 1
    return f"class {number}"


def add_class(state: LessonState) -> None:
    logits, names = list(state["x"]), list(state["names"])
    if len(logits) < MAX_CLASSES:
        state.set("x", (*logits, 0.0))
        state.set("names", (*names, new_class_name(names)))


def remove_class(state: LessonState, i: int) -> None:
    logits, names, target = list(state["x"]), list(state["names"]), state["target"]
    if len(logits) <= MIN_CLASSES or i == target:
        return
    del logits[i], names[i]
    state.set("x", tuple(logits))
    state.set("names", tuple(names))
    state.set("target", target - 1 if target > i else target)
    drafts = st.session_state.get(state.private("drafts"), {})
    st.session_state[state.private("drafts")] = {
        j - (j > i): text for j, text in drafts.items() if j != i}


def signature(state: LessonState) -> tuple:
    """What a history of steps belongs to: it ends when the learner changes any of these."""
    return (tuple(state["x"]), state["target"], state["T"])


def current_history(state: LessonState) -> tuple[float, ...]:
    """Losses (nats) of the steps taken, if the learner has not changed the inputs since."""
    history = st.session_state.get(state.private("history"))
    if history and history[0] == signature(state):
        return history[1]
    st.session_state.pop(state.private("history"), None)
    return ()


def take_steps(state: LessonState, count: int) -> None:
    """``count`` gradient steps from the current logits; the core extends the history."""
    st.session_state.pop(state.private("step_note"), None)
    try:
        steps = five_class_steps(state["x"], state["target"], state["T"], state["lr"], count,
                                 history=current_history(state), limit=LOGIT_LIMIT)
    except ValueError as error:
        st.session_state[state.private("step_note")] = str(error)
        return
    state.set("x", steps.logits)
    st.session_state[state.private("history")] = (signature(state), steps.history)


# ---------------------------------------------------------------------------- widgets


def rows(state: LessonState) -> list[Row]:
    """Each class's row: its name (or the draft typed over it, with why it was not taken),
    its logit on the slider and in the exact box, and whether it can be removed."""
    logits, names, target = state["x"], state["names"], state["target"]
    drafts = st.session_state.get(state.private("drafts"), {})
    shown = []
    for i, (value, name) in enumerate(zip(logits, names, strict=True)):
        row = logit_row(f"Logit of class {i + 1}", name, value, row_key("box", i), SLIDER_LIMIT)
        removable = len(logits) > MIN_CLASSES and i != target
        name_error = None
        if i in drafts:
            name_error = (f"{name_problem(drafts[i], names[:i] + names[i + 1:])} "
                          f"The page still calls it “{name}”.")
        shown.append(replace(
            row, box_label=f"Logit of class {i + 1} (exact value)",
            name_text=drafts.get(i, name), name_error=name_error, removable=removable,
            remove_help=("Remove this class" if removable else
                         "The true class, or one of the last two, can't be removed")))
    return shown


def on_edit(state: LessonState, edit: Edit) -> None:
    """A learner's edit of class ``edit.row``: its logit (slider or box), its name, or its
    removal. A new name or one class fewer changes the true-class choice and the add button
    too, drawn by the page's full run: the lesson fragment then reruns the page."""
    names = state["names"]
    if not 0 <= edit.row < len(names):
        return  # a row that is gone (removed by the edit just before)
    if edit.source in ("slider", "box"):
        apply_logit_edit(state, "x", edit, box=row_key("box", edit.row),
                         what=f"logit of {names[edit.row]}", slider_limit=SLIDER_LIMIT)
        return
    if edit.source == "name":
        on_name(state, edit.row, edit.text)
    elif edit.source == "remove":
        remove_class(state, edit.row)
    st.session_state[state.private("page_changed")] = True


def logit_rows(state: LessonState) -> None:
    """The rows of classes, one element (see :mod:`ui.class_rows`)."""
    class_rows(state.private("rows"), rows(state), on_edit=lambda edit: on_edit(state, edit),
               editable_names=True, removable=True, name_length=NAME_LENGTH,
               head=["class name", f"logit x (slider: −{SLIDER_LIMIT:g} to {SLIDER_LIMIT:g})",
                     f"exact value (±{LOGIT_LIMIT:,.0f})", ""],
               low=-SLIDER_LIMIT, high=SLIDER_LIMIT, step=0.01,
               columns="minmax(4.5rem, 2.2fr) 4.5fr minmax(5.5rem, 1.9fr) 2.5em")


def class_controls(state: LessonState) -> None:
    """The true class, the temperature, and adding a class."""
    names = state["names"]
    st.radio(
        "The true class (what the image really shows)", options=list(range(len(names))),
        format_func=lambda i: escape_markdown(names[i]), key=state.key("target"),
        horizontal=True,
    )
    temperature_col, add_col = st.columns([3, 1.3], vertical_alignment="bottom")
    temperature_col.slider(
        "Temperature T (softmax uses x / T)", *TEMPERATURE_RANGE, step=0.05,
        key=state.key("T"),
        help="Below 1 sharpens the probabilities towards the largest logit; above 1 "
        "flattens them towards uniform. T = 1 is plain softmax.",
    )
    add_col.button(
        "Add a class", key=f"{PAGE}.add", on_click=add_class, args=(state,),
        icon=":material/add:", disabled=len(names) >= MAX_CLASSES, width="stretch",
        help=f"From {MIN_CLASSES} to {MAX_CLASSES} classes. The new class starts at logit 0.",
    )


# ----------------------------------------------------------------------------- results


def draw_stage(view: FiveClassView, names, on_stage: Stage) -> None:
    """The stage's charts (logits with gradient arrows, probabilities), the loss and what it
    reads: places of the full run's stage, which a move updates in place."""
    b = view.breakdown
    show_figure(logit_figure(b.logits, view.next_logits, b.grad, names, b.target, lr=view.lr),
                key=f"{PAGE}.fig.logits", container=on_stage.charts)
    show_figure(probability_figure(b.probabilities, names, b.target), key=f"{PAGE}.fig.p",
                container=on_stage.charts)
    true_name = names[b.target]
    on_stage.show_loss(f"Loss for the true class, {true_name}", view.loss, view.log_base.unit)
    verdict = "right" if view.predicted == b.target else "wrong"
    details(f"{PAGE}.details.verdict", paragraph(
        f"p({text(true_name)}) = {fmt(view.p_target, 4)}, so the loss is "
        f"−{view.log_base.log_name} {fmt(view.p_target, 4)}. The top class is "
        f"{strong(names[view.predicted])}: {strong(verdict)}."), container=on_stage.loss)


def loss_summary(view: FiveClassView, names) -> str:
    b, base = view.breakdown, view.log_base
    verdict = "right" if view.predicted == b.target else "wrong"
    return paragraph(
        f"p({text(names[b.target])}) = {fmt(view.p_target, 4)}, so the loss is "
        f"−{base.log_name} {fmt(view.p_target, 4)} = {strong(f'{fmt(b.loss, 4)} {base.unit}')}. "
        f"The sum of exps is {fmt(b.sum_exp, 2)}; every p is that row's exp divided by it, so "
        "the p column adds up to 1."
    ) + paragraph(
        f"The model's top class is {strong(names[view.predicted])} "
        f"(p = {fmt(b.probabilities[view.predicted], 3)}): it is {strong(verdict)}."
    )


def amplification_note(view: FiveClassView, names, temperature: float) -> str:
    amp, logits = view.amplification, view.breakdown.logits
    top, other = text(names[amp.top]), text(names[amp.runner_up])
    gap = (f"{fmt(logits[amp.top], 3)} − ({fmt(logits[amp.runner_up], 3)}) = "
           f"{fmt(amp.gap, 3)}")
    exponent = fmt(amp.scaled_gap, 3)
    if temperature != 1.0:
        exponent = f"({fmt(amp.gap, 3)} / {temperature:g}) = e^{fmt(amp.scaled_gap, 3)}"
    times = "more than 10³⁰⁸" if amp.ratio == float("inf") else f"≈ {fmt(amp.ratio, 1)}"
    return callout("info", "zoom_in", paragraph(
        f"{strong('Exp amplifies gaps.')} {top}'s logit is {gap} above {other}'s, so exp "
        f"makes it e^{exponent} {times} times larger, and softmax keeps that ratio between "
        "their probabilities. Adding the same number to every logit changes nothing: only "
        "the gaps count."))


def overflow_note(view: FiveClassView) -> list[str]:
    if not view.breakdown.exp_overflows:
        return []
    return [callout("warning", "all_inclusive", paragraph(
        f"{strong('The by-hand route overflows.')} e raised to a logit this large is beyond "
        "the largest 64-bit float (about 1.8 × 10³⁰⁸), so the exp column shows ∞ and ∞ ÷ ∞ "
        "is undefined; softmax instead subtracts the largest logit first (the "
        "exp(x − max) column, every entry at most 1), which cancels in the division, so "
        "the probabilities and the loss shown are exact — PyTorch does the same."))]


def softmax_section(view: FiveClassView, names, temperature: float) -> list[str]:
    """The lesson's table, the overflow warning when exp overflows, then the loss beside the
    note on how exp amplifies gaps."""
    columns = softmax_columns(view.breakdown, names, temperature, view.stable)
    return [table(columns, label="Softmax by hand, one row per class", left=("true", "class"),
                  titles={"true": ""}, row_header="class"),
            *overflow_note(view),
            side_by_side(loss_summary(view, names),
                         amplification_note(view, names, temperature), widths=(1, 1.4))]


@dataclass(frozen=True)
class Details:
    """Where the lesson fragment writes below the stage. The full run draws the headings and
    the controls that rerun the page anyway (learning rate, steps), so a move resends only
    the numbers: one element of :mod:`ui.details` per place."""

    table: DeltaGenerator
    gradient: DeltaGenerator
    history: DeltaGenerator


def details_layout(state: LessonState) -> Details:
    """The sections below the stage: the softmax table, then the gradient and its steps."""
    softmax = section("Softmax by hand: exp, sum, divide, then −log of the true class")
    st.subheader("The gradient, and gradient steps")
    controls_col, history_col = st.columns([1, 1.3], gap="large")
    with controls_col:
        gradient = st.container()
        st.slider("Learning rate lr (a step is x ← x − lr · gradient)", *LR_RANGE, step=0.1,
                  key=state.key("lr"))
        one, ten = st.columns(2)
        one.button("Take a gradient step", key=f"{PAGE}.step1", on_click=take_steps,
                   args=(state, 1), type="primary", width="stretch")
        ten.button("Take 10 steps", key=f"{PAGE}.step10", on_click=take_steps,
                   args=(state, 10), width="stretch")
        if state.private("step_note") in st.session_state:
            input_error(st.session_state[state.private("step_note")])
    return Details(softmax, gradient, history_col.container())


def gradient_text(view: FiveClassView, names) -> str:
    b = view.breakdown
    return paragraph(
        f"The gradient of the loss (in nats) with respect to each logit is p − one-hot: "
        f"{fmt(view.p_target, 4)} − 1 = {strong(fmt(b.grad[b.target], 4))} for "
        f"{text(names[b.target])}, and simply p for every other class (the arrows above). A "
        "step moves each logit against its gradient: the true class up, the others down, "
        "most of all the ones that take the most probability."
    )


def loss_history(view: FiveClassView, place: DeltaGenerator) -> None:
    """The loss over the steps taken so far (or how to start)."""
    losses, base, b = view.history, view.log_base, view.breakdown
    key = f"{PAGE}.details.history"
    if losses.size:
        show_figure(loss_history_figure(losses, base, b.target), key=f"{PAGE}.fig.history",
                    container=place)
        details(key, caption(
            f"{len(losses) - 1} step(s) so far: the loss fell from {fmt(losses[0], 4)} to "
            f"{fmt(losses[-1], 4)} {base.unit}. Moving a slider or changing the true class "
            "or the temperature starts a new history."), container=place)
    else:
        details(key, callout("info", "trending_down", paragraph(
            f"Take a step to watch the loss fall from {fmt(b.loss, 4)} {base.unit}. Each "
            "step's loss is plotted here.")), container=place)


# ------------------------------------------------------------------------------- page


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, place: Details) -> None:
    """Everything the logits drive: the rows of classes (drawn here, in the controls), the
    charts, the loss and the numbers of the sections below.

    A move (a slider or a box) reruns only this fragment (a :func:`lesson_fragment`), not
    the page's header, its questions, the true class and the temperature, the section
    headings, the learning rate and step buttons or the app's sidebar (those rerun the
    page), and updates the charts and numbers in their places. A renamed or removed class,
    and the first move after gradient steps (their history gives way to how to start),
    rerun the page.
    """
    if st.session_state.pop(state.private("page_changed"), False):
        st.rerun()
    logit_rows(state)
    view = five_classes(state["x"], state["target"], state["T"], state["lr"],
                        log_base=state.base, history=current_history(state))
    names = state["names"]
    draw_stage(view, names, on_stage)
    details(f"{PAGE}.details.table", *softmax_section(view, names, state["T"]),
            container=place.table)
    details(f"{PAGE}.details.gradient", gradient_text(view, names), container=place.gradient)
    loss_history(view, place.history)


def five_classes_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="five-classes", check=check_link)
    on_stage = stage(state, widths=(2.6, 2.3, 1.7))
    with on_stage.controls:
        rows_slot = st.container()
        class_controls(state)
    place = details_layout(state)
    with rows_slot:
        lesson(state, on_stage, place)


five_classes_page()
