"""Page 3 · The PyTorch batch: softmax → log → nll_loss, log_softmax and cross_entropy.

The learner edits an N × C table of logits with a target per row (or draws a random batch),
sets the options PyTorch users meet, and watches every step of the chain, the three routes
that agree, the trap that does not, and the PyTorch code that prints the same numbers.

The numbers an option changes (the stage's loss; below it the chain's steps, the table per
example, the routes, the trap and the code) are one element per place, :mod:`ui.details`,
and places of :mod:`ui.live`: a move of label_smoothing resends the slider and one element
that updates them in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.batch_figures import (
    cell_digits,
    log_probabilities_heatmap,
    logits_heatmap,
    probabilities_heatmap,
    row_loss_bars,
)
from ui.details import (
    box,
    callout,
    caption,
    code,
    details,
    heading,
    inline,
    markdown,
    metric,
    metrics,
    side_by_side,
    strong,
    table,
    text,
)
from ui.edits import Edit
from ui.lesson_state import (
    LessonState,
    Stage,
    lesson_fragment,
    lesson_state,
    number_box,
    stage,
)
from ui.spreadsheet import Column, SheetRow, spreadsheet
from ui.text import fmt
from ui.torch_code import torch_code
from ui.url_state import (
    LOGIT_LIMIT,
    MAX_CLASSES,
    MAX_PARAM_LENGTH,
    MIN_CLASSES,
    Field,
    encode_float,
    encode_float_list,
    parse_choice,
    parse_float,
    parse_float_list,
    parse_int,
)
from ui.widgets import input_error, show_figure
from xent_core.batch_options import (
    IGNORE_INDEX,
    BatchOptionsBreakdown,
    LossOptions,
    random_batch,
    read_class_weights,
    read_logit_cells,
)
from xent_core.checks import REDUCTIONS
from xent_core.lessons import (
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_TARGETS,
    SOFTMAX_EXAMPLE,
    SOFTMAX_EXAMPLE_PROBABILITIES,
    BatchView,
    pytorch_batch,
)
from xent_core.units import LogBase

PAGE = "pytorch"
MAX_EXAMPLES = 12
IGNORE = "ignore"  # the target column's choice for ignore_index = -100
TARGET_COLUMN = "target"
MAX_CELL_TEXT = 32  # characters a logit cell takes
LESSON_BATCH = (PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS)
TITLE = "The PyTorch batch"
INTRO = (
    "The tutorial starts with `torch.softmax` of one row, then takes a batch (three examples, "
    "five classes) through PyTorch's three ways to the same loss: "
    "`softmax` → `log` → `nll_loss`, `log_softmax` → `nll_loss`, and `cross_entropy` on "
    "the raw logits. Edit any logit or target, draw a random batch, or switch on the "
    "options PyTorch offers, and watch every step follow."
)


# ------------------------------------------------------------------- URL fields


def parse_logits(raw) -> tuple[tuple[float, ...], ...]:
    """``a,b,c;d,e,f`` → rows of logits: 1 to 12 rows, each of the same 2 to 10 numbers."""
    rows = str(raw).split(";")
    if not 1 <= len(rows) <= MAX_EXAMPLES:
        raise ValueError(f"it must have 1 to {MAX_EXAMPLES} rows separated by ;")
    row = parse_float_list(MIN_CLASSES, MAX_CLASSES, -LOGIT_LIMIT, LOGIT_LIMIT)
    matrix = tuple(tuple(row(text)) for text in rows)
    if len({len(r) for r in matrix}) != 1:
        raise ValueError("its rows must all have the same number of classes")
    return matrix


def encode_logits(matrix) -> str:
    return ";".join(encode_float_list(row) for row in matrix)


def parse_targets(raw) -> tuple[int, ...]:
    """``3,0,-100`` → one class index per row (-100 = ignored)."""
    one = parse_int(IGNORE_INDEX, MAX_CLASSES - 1)
    targets = tuple(one(text) for text in str(raw)[: MAX_PARAM_LENGTH + 1].split(","))
    if not 1 <= len(targets) <= MAX_EXAMPLES or any(IGNORE_INDEX < t < 0 for t in targets):
        raise ValueError(f"it must list 1 to {MAX_EXAMPLES} classes (or -100 to ignore a row)")
    return targets


def parse_weights(raw) -> str:
    """Class weights as typed, e.g. ``1,2,1``; empty for none."""
    text = str(raw)[: MAX_PARAM_LENGTH + 1].strip()
    if text:
        read_class_weights(text, len(text.split(",")))  # raises ValueError for bad text
        if not MIN_CLASSES <= len(text.split(",")) <= MAX_CLASSES:
            raise ValueError(f"it must list {MIN_CLASSES} to {MAX_CLASSES} weights")
    return text


parse_example_logit = parse_float(-LOGIT_LIMIT, LOGIT_LIMIT)
LOGITS = Field("x", PYTORCH_BATCH_LOGITS, parse_logits, encode_logits, label="logits")
TARGETS = Field("t", PYTORCH_BATCH_TARGETS, parse_targets,
                lambda t: ",".join(map(str, t)), label="targets")
SIZES = {"n": (1, MAX_EXAMPLES), "c": (MIN_CLASSES, MAX_CLASSES), "seed": (0, 2**32 - 1)}
FIELDS = (
    Field("sx", SOFTMAX_EXAMPLE, lambda raw: tuple(parse_float_list(
        MIN_CLASSES, MAX_CLASSES, -LOGIT_LIMIT, LOGIT_LIMIT)(raw)), encode_float_list,
        label="softmax example"),
    LOGITS,
    TARGETS,
    Field("red", "mean", parse_choice(REDUCTIONS), label="reduction"),
    Field("w", "", parse_weights, label="class weights"),
    Field("ls", 0.0, parse_float(0.0, 1.0), encode_float, label="label smoothing"),
    Field("n", 3, parse_int(*SIZES["n"]), label="N"),
    Field("c", 5, parse_int(*SIZES["c"]), label="C"),
    Field("seed", 0, parse_int(*SIZES["seed"]), label="seed"),
)


def check_link(state: LessonState) -> None:
    """A link whose targets do not fit its logits falls back to the lesson's batch."""
    logits, targets = state["x"], state["t"]
    n_classes = len(logits[0])
    if len(targets) == len(logits) and all(t < n_classes for t in targets):
        return
    state.set("x", LOGITS.default)
    state.set("t", TARGETS.default)
    state.note(
        f"The link's targets do not fit its logits ({len(logits)} rows of {n_classes} "
        f"classes, {len(targets)} targets); showing the lesson's example instead."
    )


# ----------------------------------------------------------------------- the batch table


def class_column(c: int) -> str:
    return f"class {c}"


def target_choice(target: int) -> str:
    return IGNORE if target == IGNORE_INDEX else str(target)


def draft(state: LessonState) -> dict:
    """What the table shows: each cell's text as typed and each target's choice. It starts
    from the batch, and starts again whenever the batch changes outside the table (reset, a
    random draw, a link), so text typed there never outlives the batch it was typed into."""
    batch = (state["x"], state["t"])
    shown = st.session_state.get(state.private("draft"))
    if shown is None or shown["batch"] != batch:
        logits, targets = batch
        shown = {"batch": batch, "cells": [[encode_float(v) for v in row] for row in logits],
                 "choices": [target_choice(t) for t in targets]}
        st.session_state[state.private("draft")] = shown
    return shown


@dataclass(frozen=True)
class TableCheck:
    """The table as typed, checked: one message per bad cell or missing target, the bad
    cells' ``(row, column)``, and the batch it makes when nothing is bad (else None)."""

    problems: list[str]
    bad: set[tuple[int, int]]
    batch: tuple | None


def check_table(shown: dict) -> TableCheck:
    table = read_logit_cells(shown["cells"], limit=LOGIT_LIMIT)
    choices = shown["choices"]
    allowed = (*map(str, range(len(shown["cells"][0]))), IGNORE)
    problems = [p.message for p in table.problems]
    problems += [f"Example {n} has no target: choose a class or {IGNORE}."
                 for n, choice in enumerate(choices) if choice not in allowed]
    batch = None if problems else (
        tuple(tuple(float(v) for v in row) for row in table.values),
        tuple(IGNORE_INDEX if choice == IGNORE else int(choice) for choice in choices))
    return TableCheck(problems, {(p.row, p.column) for p in table.problems}, batch)


def on_table_edit(state: LessonState, edit: Edit) -> None:
    """A cell typed or a target chosen: kept as typed; the batch changes once every cell is
    a number (the page shows the last valid batch meanwhile, and says which cells are not)."""
    shown = draft(state)
    cells, choices = shown["cells"], shown["choices"]
    if not 0 <= edit.row < len(cells):
        return
    if edit.source == TARGET_COLUMN:
        choices[edit.row] = edit.text
    elif edit.source.startswith("class ") and edit.source[6:].isdigit():
        column = int(edit.source[6:])
        if column < len(cells[edit.row]):
            cells[edit.row][column] = edit.text[:MAX_CELL_TEXT]
    batch = check_table(shown).batch
    if batch is not None:
        state.set("x", batch[0])
        state.set("t", batch[1])
        shown["batch"] = (state["x"], state["t"])


def batch_table(state: LessonState, shown: dict, check: TableCheck) -> None:
    """The editable table: one row per example, its target (first: in view on any screen,
    however many classes), then one column per class."""
    cells, choices = shown["cells"], shown["choices"]
    n_classes = len(cells[0])
    columns = [Column("example", "example", "row"),
               Column(TARGET_COLUMN, "target", "select",
                      options=(*map(str, range(n_classes)), IGNORE),
                      help=f"The true class of this example, or “{IGNORE}” "
                           "(ignore_index = -100).")]
    columns += [Column(class_column(c), class_column(c), "input", max_chars=MAX_CELL_TEXT,
                       help=f"The logit of class {c}: type any number.")
                for c in range(n_classes)]
    spreadsheet(
        state.private("table"), columns,
        [SheetRow((f"example {n}", choice, *row),
                  invalid=tuple(class_column(c) for c in range(n_classes)
                                if (n, c) in check.bad))
         for n, (row, choice) in enumerate(zip(cells, choices, strict=True))],
        on_edit=lambda edit: on_table_edit(state, edit), deletable=False,
        caption="The batch: one row per example, its target, and its logits, one per class")
    for message in check.problems:
        input_error(message)


def draw_random_batch(state: LessonState) -> None:
    """The “Draw” button: N × C standard-normal logits and random targets from the seed."""
    logits, targets = random_batch(state["n"], state["c"], state["seed"])
    state.set("x", tuple(tuple(float(v) for v in row) for row in logits))
    state.set("t", tuple(int(t) for t in targets))
    try:
        read_class_weights(state["w"], state["c"])
    except ValueError:
        state.set("w", "")  # weights for another number of classes


def batch_controls(state: LessonState, shown: dict, check: TableCheck) -> None:
    """The stage's controls: the editable batch, then random logits of a chosen shape."""
    st.markdown("**The batch**: one row per example, its target, and one logit per class "
                "(type a number, then Enter or Tab).")
    batch_table(state, shown, check)
    with st.expander(":material/casino: Random logits, like `torch.randn((N, C))`"):
        columns = st.columns(3)
        for column, (name, label) in zip(columns, (("n", "N (examples)"), ("c", "C (classes)"),
                                                   ("seed", "Seed")), strict=True):
            low, high = SIZES[name]
            number_box(f"{PAGE}.box.{name}", label, state[name], parse_int(low, high),
                       lambda v, name=name: state.set(name, v), what=label.split(" ")[0],
                       container=column, digits=0)
        st.caption("The same seed always draws the same batch (NumPy's default_rng), rounded "
                   "to 4 decimals as PyTorch prints them.")
        st.button(":material/casino: Draw random logits", on_click=draw_random_batch,
                  args=(state,), width="stretch")


# ----------------------------------------------------------------------- options


def loss_options(state: LessonState) -> tuple[LossOptions, str | None]:
    """The options as the widgets below hold them, and why the weights are not used."""
    try:
        weight = read_class_weights(state["w"], len(state["x"][0]))
        problem = None
    except ValueError as error:
        weight = None
        problem = f"{error} The losses use no class weights until this is fixed."
    return LossOptions(reduction=state["red"], weight=weight,
                       label_smoothing=state["ls"]), problem


def options_layout() -> tuple[DeltaGenerator, DeltaGenerator, DeltaGenerator]:
    """Section 2's heading and one column per option, each explained in one sentence: the
    places (returned) of the reduction and weight inputs (drawn by the full run) and of the
    lesson fragment with its label_smoothing slider, above their sentences."""
    st.subheader("2 · The options PyTorch users meet")
    reduction_col, weight_col, smoothing_col = st.columns(3, gap="medium")
    places = reduction_col.container(), weight_col.container(), smoothing_col.container()
    reduction_col.caption("How the per-example losses become one number: `mean` divides their "
                          "sum by the total weight of the examples counted, `sum` adds them, "
                          "`none` returns them all.")
    weight_col.caption("Multiplies each example's loss by the weight of its target class, so "
                       "rare classes can count more; empty means every class weighs 1.")
    smoothing_col.caption("Only in `cross_entropy`: the target becomes (1 − ε) on the true "
                          "class plus ε / C spread over every class, so the model is never "
                          "pushed to be 100 % sure.")
    return places


def options_inputs(state: LessonState, reduction: DeltaGenerator,
                   weight: DeltaGenerator) -> None:
    """Reduction and class weights, drawn by the full run: a change reruns the page (the
    lesson fragment with it), so the numbers below follow, and a move of label_smoothing
    does not send these two again."""
    n_classes = len(state["x"][0])
    reduction.radio("reduction", REDUCTIONS, horizontal=True, key=state.key("red"))
    with weight:
        st.text_input("weight (one per class, comma-separated)", key=state.key("w"),
                      placeholder="e.g. " + ", ".join(["1"] * (n_classes - 1) + ["2"]))
        weight_problem = loss_options(state)[1]
        if weight_problem:
            input_error(weight_problem)


def smoothing_input(state: LessonState) -> None:
    """Label smoothing, in the lesson fragment (called in its column): a move reruns the
    fragment alone."""
    st.slider("label_smoothing", min_value=0.0, max_value=1.0, step=0.05,
                 key=state.key("ls"), format="%.2f")


# ----------------------------------------------------------- where the lesson starts


def softmax_example_layout(state: LessonState) -> DeltaGenerator:
    """The tutorial's first call, softmax of one row: its logits' boxes (an edit reruns the
    page); returns the place for what PyTorch prints."""
    st.subheader("1 · Where the tutorial starts: softmax of one row")
    logits_col, result_col = st.columns([2, 3], gap="large")
    with logits_col:
        columns = st.columns(len(state["sx"]))
        for i, (column, value) in enumerate(zip(columns, state["sx"], strict=True)):
            number_box(f"{PAGE}.example.{i}", f"logit {i}", value, parse_example_logit,
                       lambda v, i=i: set_example_logit(state, i, v), what=f"logit {i}",
                       container=column, digits=3)
    return result_col


def softmax_example(state: LessonState, view: BatchView, place: DeltaGenerator) -> None:
    """softmax of the example row, printed as PyTorch prints it."""
    printed = ", ".join(f"{p:.4e}" for p in view.example_probabilities)
    with place:
        st.code(f"torch.softmax(torch.tensor([{', '.join(f'{x:g}' for x in view.example_logits)}"
                f"]), dim=0)\ntensor([{printed}])", language="python")
        if state["sx"] == SOFTMAX_EXAMPLE:
            tutorial = ", ".join(f"{p:.4e}" for p in SOFTMAX_EXAMPLE_PROBABILITIES)
            st.caption(f"The tutorial printed tensor([{tutorial}]): the same numbers. A gap of "
                       "5 between the logits 10 and 5 becomes a factor e⁵ ≈ 148, so the "
                       "largest logit takes over 99 %; −9 gets almost nothing.")
        else:
            st.caption("Each probability is e^x ÷ the sum of the e^x over the row: all "
                       "positive, summing to 1.")


def set_example_logit(state: LessonState, i: int, value: float) -> None:
    logits = list(state["sx"])
    logits[i] = float(value)
    state.set("sx", tuple(logits))


# ------------------------------------------------------------------------- chain


def numbers(values, digits: int = 4) -> str:
    """``1.1048, 0.5476, 1.4417`` (NaN for ignored rows shown as —)."""
    return ", ".join("—" if v != v else fmt(v, digits) for v in values)


def value_text(value, digits: int = 4) -> str:
    """A reduced loss: one number, or ``[a, b, c]`` for ``reduction='none'``."""
    if isinstance(value, float):
        return fmt(value, digits)
    return "[" + numbers(value, digits) + "]"


def signed_sum(terms) -> str:
    """``-1.1048 - 0.5475 - 1.4417``: the terms written as one sum."""
    texts = [fmt(v) for v in terms]
    if not texts:
        return "0"
    rest = "".join(f" - {t[1:]}" if t.startswith("-") else f" + {t}" for t in texts[1:])
    return texts[0] + rest


def reduce_step(result: BatchOptionsBreakdown) -> str:
    """Step 4 in words and numbers: how the picked values become one."""
    counted = [v for v, ignored in zip(result.weighted_picked, result.ignored, strict=True)
               if not ignored]
    reduced = value_text(result.reduced_picked)
    reduction = result.options.reduction
    if reduction == "none":
        return f"**4 · no reduction** (`reduction='none'`): one value per example, {reduced}."
    if reduction == "sum":
        return f"**4 · sum** over the examples counted: {signed_sum(counted)} = **{reduced}**."
    over = (f"{fmt(result.denominator)}, the sum of their target weights"
            if result.options.weight is not None
            else f"{len(counted)}, the number of examples counted")
    return f"**4 · mean**: ({signed_sum(counted)}) ÷ {over} = **{reduced}**."


# Figures are cached: a control that leaves them unchanged (a seed, label smoothing) then
# costs no Plotly work. Builders are pure, and Streamlit only reads the figures it is given.
@st.cache_resource(max_entries=64, show_spinner=False)
def chain_heatmaps(logits, probabilities, log_probabilities, targets: tuple[int, ...],
                   base: LogBase):
    return (logits_heatmap(logits, targets), probabilities_heatmap(probabilities, targets),
            log_probabilities_heatmap(log_probabilities, targets, base))


@st.cache_resource(max_entries=64, show_spinner=False)
def loss_bars(row_losses, targets: tuple[int, ...], base: LogBase, mean: float | None):
    return row_loss_bars(row_losses, targets, log_base=base, mean=mean,
                         title=f"Loss per example, in {base.unit}")


def heatmaps(view: BatchView) -> tuple:
    """The chain as three heat maps: logits → probabilities → log-probabilities (cached)."""
    result = view.batch
    chain = result.chain
    return chain_heatmaps(chain.logits, chain.probabilities, result.log_probabilities,
                          tuple(int(t) for t in chain.target), view.log_base)


def heatmap_caption(view: BatchView) -> str:
    result = view.batch
    return ("Black outlines mark each example's target: the only cell the loss reads."
            + (" Grey, italic examples are ignored." if result.ignored.any() else "")
            + (" Hover over a cell to read its value."
               if cell_digits(len(result.chain.logits[0])) is None else ""))


def draw_batch(view: BatchView, on_stage: Stage, place: Details, stale: bool) -> None:
    """What only the batch and the log base change, drawn by the full run: the softmax of the
    batch on the stage (each row sums to 1, the targets outlined) and the chain's heat maps."""
    figures, note = heatmaps(view), heatmap_caption(view)
    with on_stage.charts:
        if stale:
            st.info("The table has cells to fix, so the charts show the last valid batch.",
                    icon=":material/info:")
        show_figure(figures[1], key="pytorch.fig.stage")
        st.caption(note)
    for column, figure, name in zip(place.heatmaps, figures, ("logits", "probs", "logs"),
                                    strict=True):
        show_figure(figure, key=f"pytorch.fig.{name}", container=column)
    place.heatmap_caption.caption(note)


def chain_layout() -> tuple[list[DeltaGenerator], DeltaGenerator, DeltaGenerator,
                            DeltaGenerator, DeltaGenerator]:
    """Section 3's heading and places: three heat maps and their caption, the steps, the
    table per example beside the bars of its losses."""
    st.subheader("3 · The chain, step by step")
    columns = st.columns([1.12, 1, 1], gap="small")  # the first also holds the row labels
    under_maps, steps = st.container(), st.container()
    per_row_col, bars_col = st.columns([3, 2], gap="medium")
    return list(columns), under_maps, steps, per_row_col.container(), bars_col.container()


def chain_numbers(view: BatchView, place: Details) -> None:
    """The chain's steps with this batch's numbers, the table per example, the losses."""
    result, base = view.batch, view.log_base
    chain = result.chain
    weighted = result.options.weight is not None
    steps = [
        f"**1 · softmax** `probs = torch.softmax(logits, dim=1)`: every probability lies "
        f"between 0 and 1 and each row sums to 1 ({numbers(chain.row_sums)}).",
        f"**2 · log** `log_probs = torch.log(probs)`, here in {base.log_name} ({base.unit}): "
        "likely classes sit near 0, unlikely ones far below.",
        f"**3 · pick each row's target** `log_probs[range(N), targets]`: "
        f"{numbers(result.picked)}"
        + (f"; times the target's weight: {numbers(result.weighted_picked)}" if weighted
           else "")
        + ("; ignored examples give 0 and are not counted" if result.ignored.any() else "")
        + ".",
        reduce_step(result),
        f"**5 · × −1** turns it into a loss: **{value_text(result.loss)} {base.unit}**, "
        "which is `F.nll_loss(log_probs, targets)`.",
    ]
    details(f"{PAGE}.details.steps", markdown("\n\n".join(steps)), container=place.steps)
    details(f"{PAGE}.details.per_row",
            table(per_row_columns(view), label="The losses, one row per example",
                  left=("example", "target"), titles={"example": ""}, row_header="example"),
            container=place.per_row)
    mean = result.loss if result.options.reduction == "mean" else None
    show_figure(loss_bars(result.row_losses, tuple(int(t) for t in chain.target), base, mean),
                key="pytorch.fig.rows", container=place.bars)


def nothing_counts_note(result: BatchOptionsBreakdown) -> list[str]:
    """Below the table per example, when no example counts: why the loss is nan."""
    if not result.all_ignored_or_weightless:
        return []
    return [callout("info", "info", markdown(
        "No example counts (all ignored, or all weighted 0), so the mean divides 0 by 0: "
        "PyTorch returns nan, and so does this page."))]


def per_row_columns(view: BatchView) -> dict[str, list[str]]:
    """One row per example: its target, p and log p of the target, weight and loss (as text,
    so an ignored example reads “—” rather than an empty number)."""
    result, base = view.batch, view.log_base
    chain = result.chain
    rows = {
        "target": [target_choice(int(t)) for t in chain.target],
        "p[target]": view.p_target,
        f"{base.log_name} p[target]": result.picked,
        "weight": result.row_weight,
        f"loss ({base.unit})": result.row_losses,
    }
    if result.options.label_smoothing:
        rows[f"smoothed loss ({base.unit})"] = result.smoothed_row_losses
    return {"example": [f"example {n}" for n in range(len(chain.target))],
            **{name: values if name == "target" else [numbers([v]) for v in values]
               for name, values in rows.items()}}


# ------------------------------------------------------------------------ routes


ROUTES = (
    ("softmax → log → nll_loss", "F.nll_loss(torch.log(probs), targets)"),
    ("log_softmax → nll_loss", "F.nll_loss(F.log_softmax(logits, dim=1), targets)"),
    ("cross_entropy on raw logits", "F.cross_entropy(logits, targets)"),
)


def routes_section(view: BatchView) -> list[str]:
    """Section 4: each route's loss in nats (and in the sidebar's base) above its call, in
    a box of its own; whether they agree; then the classic trap."""
    base, result = view.log_base, view.batch
    note = ("PyTorch's logs are natural logs, so these are in nats, as PyTorch prints them"
            + ("" if base.key == "e" else f"; the {base.unit} below each is the same loss "
               f"in the sidebar's {base.log_name}") + ".")
    boxes = []
    for (name, call), nats, value in zip(ROUTES, view.routes_nats, view.routes, strict=True):
        in_base = [] if base.key == "e" else [caption(
            f"= {strong(value_text(value))} {text(base.unit)} (÷ ln {text(base.key)})")]
        boxes.append(box(metrics(metric(name, f"{value_text(nats)} nats")),
                         code(call, language="python", wrap_lines=True,
                              label=f"The call of route {name}"),
                         *in_base))
    tutorial = []
    if view.is_lesson_batch:
        tutorial = [caption(inline(
            f"The tutorial printed `tensor(1.0314)`: it computed from torch.randn's "
            f"unrounded logits. The 4-decimal logits it printed (the table) give "
            f"{fmt(result.cross_entropy, 5)}, which rounds to {fmt(result.cross_entropy)}."))]
    return [heading("4 · Three routes, one number"), caption(text(note)),
            side_by_side(*boxes, widths=(1, 1, 1), gap="small"),
            routes_verdict(result), *tutorial, trap(result)]


def routes_verdict(result: BatchOptionsBreakdown) -> str:
    if result.routes_agree:
        return callout("success", "check_circle", markdown(
            "All three agree. `log_softmax` is softmax and log in one stable step, and "
            "`cross_entropy` is `log_softmax` followed by `nll_loss`."))
    if result.log_of_softmax_overflows:
        return callout("warning", "warning", markdown(
            "The first route breaks: a target's probability is so small that softmax rounds "
            "it to exactly 0, and log(0) = −∞. `log_softmax` never forms that 0 (it computes "
            "x − logsumexp(x)), which is why PyTorch recommends it."))
    return callout("warning", "warning", markdown(
        "`cross_entropy` differs because only it applies label smoothing: `nll_loss` has "
        "no such argument. Set label_smoothing to 0 and all three agree again."))


TRAP_LABEL = "F.nll_loss(probs, targets)"


def trap(result: BatchOptionsBreakdown) -> str:
    """The classic trap, in a box: its loss beside why it is wrong."""
    return box(
        markdown("**The classic trap:** handing `nll_loss` the probabilities themselves."),
        side_by_side(
            metrics(metric(TRAP_LABEL, value_text(result.nll_of_probabilities))),
            markdown(
                "`nll_loss` takes no log: it only picks each target's entry, negates it and "
                "reduces. Given probabilities it returns minus the target probabilities, a "
                "“loss” below 0 that gets *more negative* as the model improves. A negative "
                "loss is the tell-tale sign: apply `log_softmax` first."),
            widths=(1, 2), gap="small", center=True))


# -------------------------------------------------------------------------- code


def code_section(view: BatchView) -> list[str]:
    """Section 5: the PyTorch code that prints this page's numbers."""
    chain = view.batch.chain
    return [heading("5 · The same in PyTorch"),
            caption("Copy this into Python with PyTorch installed: it rebuilds this batch in "
                    "float64 and prints the numbers above (in nats)."),
            code(torch_code(chain.logits, chain.target, view.batch.options),
                 language="python", label="The same in PyTorch")]


# -------------------------------------------------------------------------- page


@dataclass(frozen=True)
class Details:
    """The places below the stage. The full run draws the headings and fixed prose, the
    reduction and weight inputs (and, after the lesson fragment, the heat maps: they change
    only with the batch and the log base); the fragment is called in ``smoothing`` (its
    label_smoothing slider goes there) and draws every number the options change, one
    element of :mod:`ui.details` per place."""

    smoothing: DeltaGenerator
    heatmaps: list[DeltaGenerator]
    heatmap_caption: DeltaGenerator
    steps: DeltaGenerator
    per_row: DeltaGenerator
    bars: DeltaGenerator
    routes: DeltaGenerator


def details_layout(state: LessonState) -> Details:
    """Sections 2 to 5 below the softmax example: options, chain, routes, code (the last
    two, with section 3's note, one element the fragment draws)."""
    reduction, weight, smoothing = options_layout()
    options_inputs(state, reduction, weight)
    heatmap_columns, under_maps, steps, per_row, bars = chain_layout()
    return Details(smoothing, heatmap_columns, under_maps, steps, per_row, bars, st.container())


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, place: Details) -> BatchView:
    """Everything label_smoothing changes, and what the other options change too: the
    slider (drawn here, in its column), the stage's loss and the numbers of the chain, the
    routes and the code (a :func:`lesson_fragment`: a move of the slider reruns it alone and
    updates the numbers and the bars in their places). Returns the view on a full run, for
    what the batch and the log base alone change (the heat maps, the softmax example)."""
    smoothing_input(state)
    options = loss_options(state)[0]
    view = pytorch_batch(state["sx"], state["x"], state["t"], options,
                         log_base=state.base, lesson_batch=LESSON_BATCH)
    details(f"{PAGE}.loss", metric(f"Loss, F.cross_entropy ({view.log_base.unit})",
                                   value_text(view.batch.cross_entropy_loss), border=True,
                                   help="With the options below; in the sidebar's log base."),
            container=on_stage.loss)
    chain_numbers(view, place)
    details(f"{PAGE}.details.routes", *nothing_counts_note(view.batch),
            *routes_section(view), *code_section(view), container=place.routes)
    return view


def pytorch_batch_page() -> None:
    """The batch table (an edit reruns the page) and the softmax example come first; the
    lesson fragment draws what the options change; the full run then draws what only the
    batch changes."""
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="pytorch-batch", check=check_link)
    on_stage = stage(state, widths=(2.5, 2.3, 1.4))
    shown = draft(state)
    check = check_table(shown)
    with on_stage.controls:
        batch_controls(state, shown, check)
    example = softmax_example_layout(state)
    place = details_layout(state)
    with place.smoothing:
        view = lesson(state, on_stage, place)
    draw_batch(view, on_stage, place, stale=bool(check.problems))
    softmax_example(state, view, example)


pytorch_batch_page()
