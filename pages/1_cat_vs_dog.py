"""Page 1, cat vs dog: the fast.ai spreadsheet, where cross-entropy is a column of formulas.

One row per example: P(cat), P(dog), the label and its one-hot columns, then the loss written
two ways (the one-hot sum and the "if" lookup), which agree. A second mode treats the two
columns as raw activations, to show why rows that do not sum to 1 give "screwy" losses and how
softmax fixes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.cat_dog_figures import rows_on_loss_curve
from ui.cat_dog_table import (
    MAX_ROWS,
    PRESET_ROWS,
    PROBABILITY,
    RAW,
    TABLE_COLUMNS,
    CheckedRows,
    apply_edits,
    check_rows,
    column_names,
    encode_rows,
    parse_mode,
    parse_rows,
    shown_table,
    softmax_rows,
    table_edit,
    with_dog_following_cat,
)
from ui.details import box, callout, caption, code, details, inline, markdown, metric, metrics
from ui.edits import Edit
from ui.figure_spec import frozen
from ui.lesson_state import LessonState, Stage, lesson_fragment, lesson_state, section, stage
from ui.spreadsheet import Column, SheetRow, spreadsheet
from ui.text import fmt
from ui.url_state import Field
from ui.widgets import input_error, on_a_phone, show_figure
from xent_core import LogBase
from xent_core.lessons import CAT_DOG_CLASSES, CatVsDogView, cat_vs_dog

PAGE = "cat_vs_dog"
FIELDS = (
    Field("rows", PRESET_ROWS, parse_rows, encode_rows, label="table rows"),
    Field("mode", PROBABILITY, parse_mode, label="what the columns hold"),
)
TITLE = "Cat vs dog: the spreadsheet"
INTRO = (
    "A model has looked at five pictures and said how sure it is that each one is a cat. "
    "Cross-entropy turns every row into a loss, small when the model gave the true label a "
    "high probability, huge when it was confidently wrong."
)

MODE_NAMES = {
    PROBABILITY: "Probabilities: P(dog) = 1 − P(cat)",
    RAW: "Raw activations: any two scores",
}
# On a phone the table shows what a learner needs first, the label and the two losses, then
# the spreadsheet's columns A to D (a wide screen keeps the spreadsheet's order).
PHONE_COLUMN_ORDER = ("row", "label", "loss_sum", "loss_if", "a", "b", "row_sum", "is_cat",
                      "is_dog", "verdict")
# How a spreadsheet writes log in each base (Excel's LOG() is base 10).
EXCEL_LOG = {"e": "LN({})", "10": "LOG({})", "2": "LOG({}, 2)"}


# ------------------------------------------------------------------------------ inputs


def read_table(state: LessonState) -> tuple[tuple, tuple[str, ...]]:
    """The rows (in probability mode P(dog) follows P(cat)), and the notes about refused
    cells of the edit that made them (dropped once the table changes again)."""
    mode = state["mode"]
    rows = state["rows"]
    if mode == PROBABILITY:
        rows = with_dog_following_cat(rows)
    state.set("rows", rows)
    made_by, notes = st.session_state.get(state.private("edit_notes"), (None, ()))
    return rows, notes if made_by == (rows, mode) else ()


def on_edit(state: LessonState, edit: Edit) -> None:
    """A learner's edit of the spreadsheet: a cell typed or chosen, a row deleted or added.
    A refused cell keeps its value; the notes say why, under the table, until the table
    changes again."""
    mode = state["mode"]
    result = apply_edits(state["rows"], table_edit(edit.row, edit.source, edit.text), mode)
    rows = with_dog_following_cat(result.rows) if mode == PROBABILITY else result.rows
    state.set("rows", rows)
    if result.notes:
        st.session_state[state.private("edit_notes")] = ((rows, mode), result.notes)


def apply_softmax(state: LessonState) -> None:
    state.set("rows", softmax_rows(state["rows"]))


# ----------------------------------------------------------------------------- the table


def table_columns(mode: str, base: LogBase) -> tuple[Column, ...]:
    """The spreadsheet's columns, in the lesson's order (on a phone: the label and the two
    losses first)."""
    a_name, b_name = ("P(cat)", "P(dog)") if mode == PROBABILITY else ("cat (raw)", "dog (raw)")
    log = base.log_name
    columns = {
        "row": Column("row", "row", "row", help="Errors and formulas name rows by this number."),
        "label": Column("label", "label", "select", options=CAT_DOG_CLASSES,
                        help="The true class of this example."),
        "a": Column("a", f"A · {a_name}", "input",
                    help="The cat activation: type any score." if mode == RAW else
                    "Type a probability from 0 to 1; P(dog) follows."),
        "b": Column("b", f"B · {b_name}", "input",
                    help="1 − P(cat): with two classes the rest goes to dog."
                    if mode == PROBABILITY else "The dog activation: type any score."),
        "row_sum": Column("row_sum", "A + B", help="The loss only makes sense when this is 1."),
        "is_cat": Column("is_cat", "C · cat?", format="int",
                         help="One-hot label: 1 if the label is cat, else 0."),
        "is_dog": Column("is_dog", "D · dog?", format="int",
                         help="One-hot label: 1 if the label is dog, else 0."),
        "loss_sum": Column("loss_sum", "E · one-hot sum", format="fixed4",
                           help=f"−(C·{log} A + D·{log} B), in {base.unit}"),
        "loss_if": Column("loss_if", "F · “if” form", format="fixed4",
                          help=f"−{log} A if the label is cat, else −{log} B, in {base.unit}"),
        "verdict": Column("verdict", "verdict", "text"),
    }
    order = PHONE_COLUMN_ORDER if on_a_phone() else TABLE_COLUMNS
    return tuple(columns[name] for name in order)


def table_instructions(state: LessonState) -> None:
    """How to edit the spreadsheet (drawn by the full run: it changes with the mode and the
    log base, which rerun the page)."""
    mode, base = state["mode"], state.base
    if mode == PROBABILITY:
        st.markdown(
            f"Edit **{column_names(mode)[0]}** and the **label**; **P(dog)** follows as "
            "1 − P(cat), because with two classes whatever is not cat is dog. Type a number "
            f"and press Enter (or Tab); add a row at the bottom (up to {MAX_ROWS}) or delete "
            "one with its ✕. **C** and **D** write the label one-hot (1 for the true class, 0 "
            f"for the other); **E** and **F** are the loss, written two ways, in {base.unit}."
        )
    else:
        st.markdown(
            "Both columns are now editable, as if a model without a final softmax had written "
            "them: nothing makes a row sum to 1 (watch **A + B**). The loss columns (in "
            f"{base.unit}) are computed exactly as before."
        )


def show_table(state: LessonState, rows, checked: CheckedRows, view: CatVsDogView | None,
               notes, place: Places) -> None:
    mode, base = state["mode"], state.base
    shown = shown_table(rows, mode, checked, view)
    columns = table_columns(mode, base)
    spreadsheet(
        state.private("sheet"), columns,
        [SheetRow(tuple(shown.columns[c.key][i] for c in columns),
                  disabled=("b",) if mode == PROBABILITY else (), flagged=i == shown.mistake)
         for i in range(len(rows))],
        on_edit=lambda edit: on_edit(state, edit), add_label="Add a row", max_rows=MAX_ROWS,
        caption="The spreadsheet: one row per example, its label, the two activations and "
                "the loss written two ways",
    )
    for message in (*checked.errors, *notes):
        input_error(message)
    if view is not None:
        details(f"{PAGE}.details.mistake", mistake_text(view, checked, mode),
                container=place.mistake)


def mistake_text(view: CatVsDogView, checked: CheckedRows, mode: str) -> str:
    """Point at the row that bets hardest on the wrong class."""
    analysis, base = view.analysis, view.log_base
    position = analysis.confident_mistake
    if position is None:
        return markdown("No row is wrong: every row gives its true class at least as much as "
                        "the other class.")
    target = int(view.targets[position])
    names = column_names(mode)
    true_value, other_value = view.activations[position][[target, 1 - target]]
    return markdown(
        f":material/warning: **Row {checked.usable[position] + 1} is the most confident "
        "mistake.** It is a "
        f"{CAT_DOG_CLASSES[target]}, yet {names[target]} is only {true_value:.4g} while "
        f"{names[1 - target]} is {other_value:.4g}. Its loss, "
        f"{fmt(analysis.sheet.one_hot_losses[position])} {base.unit}, is what a confident "
        "wrong answer costs."
    )


# ----------------------------------------------------------------------- explanations


TWO_FORMS = "Two ways to write the same loss"


def two_forms(view: CatVsDogView, checked: CheckedRows) -> tuple[str, ...]:
    """The section below the stage: the two loss columns agree, the totals, one row's
    formulas, and what the curve shows."""
    analysis, base = view.analysis, view.log_base
    sheet = analysis.sheet
    two_decimals = " · ".join(f"{loss:.2f}" for loss in sheet.one_hot_losses)
    return (
        markdown(
            f"**E** multiplies each one-hot entry by the {base.log_name} of its column and "
            "adds them up; one of the two entries is 0, so only the true class's term "
            "survives. **F** skips the multiplication and looks the true class up directly "
            "(an IF in a spreadsheet, `log_p[target]` in code). Multiplying by a one-hot row "
            "*is* an index lookup, so the two columns agree in every row."),
        metrics(
            metric(f"Total loss ({base.unit})", fmt(analysis.total_loss)),
            metric(f"Mean loss ({base.unit})", fmt(analysis.mean_loss),
                   help="Training minimises the mean over the examples."),
            metric("Largest |E − F| over the rows", fmt(analysis.largest_form_gap, 2),
                   help="0 (or a rounding error): the two forms are the same number.")),
        caption(inline(
            f"Column E to two decimals, as a spreadsheet shows it: {two_decimals}. With "
            "log₁₀ (Excel's LOG) the lesson's rows give 0.30 · 0.01 · 1.00 · 0.30 · 0.05; with "
            "ln they are PyTorch's numbers: "
            "`F.nll_loss(torch.log(p), target, reduction='none')`.")),
        *formula(view, checked),
        markdown(CURVE_TEXT),
    )


def formula(view: CatVsDogView, checked: CheckedRows) -> tuple[str, str]:
    """The spreadsheet formulas of one row (the most confident mistake, else the first)."""
    analysis, base = view.analysis, view.log_base
    position = view.formula_row
    n = checked.usable[position] + 1
    a, b = view.activations[position]
    y_cat, y_dog = view.one_hot[position]
    log_a, log_b = view.log_activations[position]
    excel = EXCEL_LOG[base.key]
    lookup = f"{base.log_name} {b:.4g}" if view.targets[position] else f"{base.log_name} {a:.4g}"
    log = base.log_name
    return (
        markdown(f"**The formulas of row {n}**, with {base.log_name} ({base.description}):"),
        code(
            f"E{n}: =-(C{n}*{excel.format(f'A{n}')}+D{n}*{excel.format(f'B{n}')})\n"
            f"    = −({y_cat:g} × {log} {a:.4g} + {y_dog:g} × {log} {b:.4g})"
            f" = −({y_cat:g} × ({log_a:.4f}) + {y_dog:g} × ({log_b:.4f}))"
            f" = {analysis.sheet.one_hot_losses[position]:.4f}\n"
            f"F{n}: =-IF(C{n}=1, {excel.format(f'A{n}')}, {excel.format(f'B{n}')})\n"
            f"    = −{lookup} = {analysis.sheet.if_form_losses[position]:.4f}",
            label=f"The spreadsheet formulas of row {n}"),
    )


def show_screwy(state: LessonState, view: CatVsDogView, checked: CheckedRows,
                place: Places) -> None:
    """Raw-activation mode: why rows that do not sum to 1 break the loss, and the fix (a
    button under the explanation, while some row does not sum to 1)."""
    sheet, base = view.analysis.sheet, view.log_base
    off = [i for i, ok in enumerate(sheet.rows_sum_to_one) if not ok]
    if not off:
        details(f"{PAGE}.details.screwy", callout(
            "success", "check_circle", inline(
                "Every row sums to 1, so these activations are probabilities and the losses "
                "mean what they should.")), container=place.screwy)
        return
    listed = ", ".join(f"row {checked.usable[i] + 1} sums to {sheet.row_sums[i]:.4g}"
                       for i in off[:6])
    negative = [checked.usable[i] + 1 for i in view.negative_loss_rows]
    below_zero = (
        f" Row {negative[0]} even has a **negative loss**: its true class got more than 1, and "
        f"−{base.log_name} of a number above 1 is below 0, better than being certain."
        if negative else ""
    )
    details(f"{PAGE}.details.screwy", box(
        markdown(
            f"**Screwy losses.** {listed[0].upper()}{listed[1:]}. Both loss columns read only "
            "the true class's entry and take for granted that the rest of 1 went to the other "
            "class. When a row does not sum to 1 that is false: inflating every entry lowers "
            "the loss without the model preferring the right class any more." + below_zero),
        markdown(
            "Softmax fixes it: each row becomes e^A / (e^A + e^B) and e^B / (e^A + e^B), which "
            "are positive and sum to 1, while the larger activation still gets the larger "
            "share.")), container=place.screwy)
    place.softmax.button("Apply softmax to every row", key=f"{PAGE}.softmax", type="primary",
                         on_click=apply_softmax, args=(state,))


@st.cache_resource(max_entries=64, show_spinner=False)
def curve_figure(base: LogBase, true_class_values: tuple, losses: tuple, labels: tuple,
                 row_numbers: tuple, mistake: int | None, x_name: str):
    """The figure for these rows, built once (Plotly figures are slow to build) and frozen
    into its spec (never modified after; drawing it then copies nothing)."""
    return frozen(rows_on_loss_curve(
        base, true_class_values=true_class_values, losses=losses,
        labels=labels, row_numbers=row_numbers, class_names=CAT_DOG_CLASSES, mistake=mistake,
        x_name=x_name,
    ))


def curve(view: CatVsDogView, checked: CheckedRows, mode: str):
    """The loss curve −log x with every scored row on it (cached per set of rows)."""
    analysis = view.analysis
    return curve_figure(
        view.log_base,
        tuple(analysis.true_class_activations.tolist()),
        tuple(analysis.sheet.if_form_losses.tolist()),
        tuple(view.targets.tolist()),
        tuple(i + 1 for i in checked.usable),
        analysis.confident_mistake,
        "P(true class)" if mode == PROBABILITY else "activation of the true class",
    )


CURVE_TEXT = (
    "Each row sits on the curve at the probability it gave its **true** class. Confident "
    "and right (P near 1) costs almost nothing; a 50/50 guess costs a moderate amount; "
    "confident and wrong (P near 0) shoots up, and a true class given exactly 0 costs "
    "infinitely much. That is the behaviour we want from a loss: it punishes confident "
    "mistakes hardest."
)


# ---------------------------------------------------------------------------------- page


@lesson_fragment
def lesson(state: LessonState, on_stage: Stage, place: Places) -> None:
    """Everything an edit changes: the spreadsheet (drawn here, under the table's
    instructions), the loss curve, the mean loss and the two forms of the loss (a
    :func:`lesson_fragment`: an edit reruns it alone and updates the rest in its places).
    The mode, the table's instructions, the chart's caption and the section's heading are
    drawn by the full run (a change of mode reruns the page)."""
    rows, notes = read_table(state)
    mode = state["mode"]
    checked = check_rows(rows, mode)
    view = (cat_vs_dog(checked.activations, checked.targets, log_base=state.base)
            if checked.usable else None)
    show_table(state, rows, checked, view, notes, place)
    if view is None:
        place.chart.info("No row can be scored yet: fix the rows and the losses appear.")
        details(f"{PAGE}.details.forms", markdown(
            "Fix the rows above and the two forms of the loss appear here."),
            container=place.forms)
    else:
        show_figure(curve(view, checked, mode), key=f"{PAGE}.curve", container=place.chart)
        on_stage.show_loss("Loss: the mean over the rows", view.analysis.mean_loss,
                           state.base.unit, help="Training minimises the mean over the "
                           "examples: the mean of column E.")
        if mode == RAW:
            show_screwy(state, view, checked, place)
        details(f"{PAGE}.details.forms", *two_forms(view, checked), container=place.forms)


@dataclass(frozen=True)
class Places:
    """Where the lesson fragment draws what the full run does not: the full run draws
    everything around them. The fragment itself runs in ``table``."""

    table: DeltaGenerator
    mistake: DeltaGenerator
    chart: DeltaGenerator
    screwy: DeltaGenerator
    softmax: DeltaGenerator
    forms: DeltaGenerator


def layout(state: LessonState, on_stage: Stage) -> Places:
    """The page around what an edit changes: the mode and the table's instructions above the
    spreadsheet, the chart's caption, the heading of the two forms."""
    with on_stage.controls:
        st.radio("The two columns hold", options=(PROBABILITY, RAW),
                 key=state.key("mode"), format_func=MODE_NAMES.get, horizontal=True)
        table_instructions(state)
        table, mistake = st.container(), st.container()
    chart = on_stage.charts.container()
    on_stage.charts.caption("Blue points are rows labelled cat, orange ones rows labelled "
                            "dog.")
    screwy, softmax = st.container(), st.container()
    return Places(table, mistake, chart, screwy, softmax, section(TWO_FORMS))


def cat_vs_dog_page() -> None:
    state = lesson_state(PAGE, FIELDS, title=TITLE, intro=INTRO,
                         checkpoints="cat-vs-dog")
    on_stage = stage(state, widths=(3.0, 2.2, 1.6))
    place = layout(state, on_stage)
    with place.table:
        lesson(state, on_stage, place)

cat_vs_dog_page()
