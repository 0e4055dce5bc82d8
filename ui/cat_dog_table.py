"""The cat-vs-dog table as plain data: rows ⇄ URL text, edits → rows, rows → arrays.

No Streamlit here, so every helper is tested on its own.

A row is ``(a, b, label)``: ``a`` is P(cat) (or the cat activation), ``b`` is P(dog) (or the
dog activation) and ``label`` is ``"cat"`` or ``"dog"``. A cell holds whatever the learner
typed (a float, possibly NaN or huge, ``None`` for an empty cell, or text), so a bad cell can
be shown and explained; :func:`check_rows` turns the good rows into arrays for ``xent_core``.

In the URL the rows are one comma-separated list, a row being a number and a label letter:
``rows=0.5c,0.98c,0.9d,0.5d,0.9c``. When P(dog) is not ``1 - P(cat)`` (raw activations) the
dog column follows an underscore: ``2_3c`` is cat activation 2, dog activation 3, label cat.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ui.url_state import ACTIVATION_LIMIT, MAX_PARAM_LENGTH, encode_float, parse_float
from xent_core import softmax
from xent_core.lessons import CAT_DOG_CLASSES, CAT_DOG_LABELS, CAT_DOG_P_CAT, CatVsDogView
from xent_core.spreadsheet_rows import RIGHT, UNSURE, WRONG, two_class_probabilities

Cell = float | str | None
Row = tuple[Cell, Cell, Any]

PROBABILITY, RAW = "prob", "raw"
MODES = (PROBABILITY, RAW)
MAX_ROWS = 20
# Activations this large are not what a model outputs; 1e308 and the like are typos or attacks.
MAX_ACTIVATION = ACTIVATION_LIMIT
NEW_ROW: Row = (0.5, 0.5, "cat")  # what a row added to the table starts as

LETTERS = {label: label[0] for label in CAT_DOG_CLASSES}  # cat -> c, dog -> d
LABEL_OF_LETTER = {letter: label for label, letter in LETTERS.items()}

# Column names of the shown table (what the edits refer to).
ROW, LABEL, A, B = "row", "label", "a", "b"
INPUT_COLUMNS = (LABEL, A, B)

_NUMBER = r"[-+0-9.eE]+"
_ROW_TEXT = re.compile(rf"^({_NUMBER})(?:_({_NUMBER}))?([a-z])$")
_parse_number = parse_float(-MAX_ACTIVATION, MAX_ACTIVATION)


def probability_rows(p_cat: Sequence[float], labels: Sequence[str]) -> tuple[Row, ...]:
    """Rows ``(P(cat), P(dog), label)`` with ``P(dog) = 1 - P(cat)`` from ``xent_core``."""
    table = two_class_probabilities(p_cat)
    return tuple((float(a), float(b), label) for (a, b), label in
                 zip(table, labels, strict=True))


PRESET_ROWS = probability_rows(CAT_DOG_P_CAT, CAT_DOG_LABELS)


# ---------------------------------------------------------------------------- URL text


def _number(cell: Cell) -> float | None:
    """The cell as a finite float, or ``None`` if it is empty, text, NaN or infinite."""
    if cell is None or isinstance(cell, str | bool):
        return None
    value = float(cell)
    return value if math.isfinite(value) else None


def _dog_follows_cat(a: float, b: float) -> bool:
    """Is ``b`` the ``1 - a`` of a probability row, to the 10 digits the URL keeps?"""
    if not 0.0 <= a <= 1.0:
        return False
    return encode_float(two_class_probabilities([a])[0, 1]) == encode_float(b)


def encode_row(row: Row) -> str | None:
    """One row as URL text (``0.9d`` or ``2_3c``); ``None`` for a row the URL cannot hold."""
    a, b, label = _number(row[0]), _number(row[1]), row[2]
    if a is None or b is None or label not in LETTERS:
        return None
    if abs(a) > MAX_ACTIVATION or abs(b) > MAX_ACTIVATION:
        return None
    if _dog_follows_cat(a, b):
        return f"{encode_float(a)}{LETTERS[label]}"
    return f"{encode_float(a)}_{encode_float(b)}{LETTERS[label]}"


def encode_rows(rows: Sequence[Row]) -> str:
    """The table as URL text. Rows with an empty, non-numeric or huge cell are left out (a
    link shares the good rows; the page explains the bad ones to whoever typed them)."""
    return ",".join(text for text in map(encode_row, rows) if text is not None)


def parse_rows(raw: str) -> tuple[Row, ...]:
    """URL text → rows. Raises ``ValueError`` (for the fallback note) on anything else."""
    text = str(raw)
    if len(text) > MAX_PARAM_LENGTH:
        raise ValueError(f"it is {len(text):,} characters long")
    parts = text.strip().split(",")
    if not 1 <= len(parts) <= MAX_ROWS:
        raise ValueError(f"it must list 1 to {MAX_ROWS} rows")
    rows = []
    for number, part in enumerate(parts, start=1):
        match = _ROW_TEXT.match(part.strip())
        if match is None or match.group(3) not in LABEL_OF_LETTER:
            raise ValueError(
                f"row {number} must be a number and a label letter, c or d (such as 0.9d)"
            )
        try:
            a = _parse_number(match.group(1))
            b = (_parse_number(match.group(2)) if match.group(2) is not None
                 else float(two_class_probabilities([a])[0, 1]) if 0.0 <= a <= 1.0 else None)
        except ValueError as error:
            raise ValueError(f"in row {number}, {error}") from None
        if b is None:
            raise ValueError(f"row {number} gives P(cat) = {a:g}, which is not a probability")
        rows.append((a, b, LABEL_OF_LETTER[match.group(3)]))
    return tuple(rows)


def parse_mode(raw: str) -> str:
    text = str(raw)[:20].strip()
    if text not in MODES:
        raise ValueError("it must be prob or raw")
    return text


# ------------------------------------------------------------------------ table edits


def cell_value(value: Any) -> Cell:
    """What the learner typed, as a cell: a float, ``None`` (empty) or the text as typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _typed_number_problem(cell: Cell) -> str | None:
    """Why a typed cell cannot stand for a number at all (the previous value then stays)."""
    if cell is None or isinstance(cell, str) or not math.isfinite(cell):
        return _describe(cell) + ("; type a number" if cell is None or isinstance(cell, str)
                                  else ", not a finite number")
    if abs(cell) > MAX_ACTIVATION:
        return f"is {cell:g}, beyond the ±{MAX_ACTIVATION:,.0f} this sheet accepts"
    return None


def _edited(row: Row, changes: Mapping[str, Any], number: int, mode: str,
            notes: list[str]) -> Row:
    """``row`` with the edit's ``changes``. A number cell typed as text, left empty, or
    set to NaN, ∞ or a huge number keeps its previous value, and ``notes`` says why."""
    cells = dict(zip(INPUT_COLUMNS, (row[2], row[0], row[1]), strict=True))
    names = dict(zip((A, B), column_names(mode), strict=True))
    for column, value in changes.items():
        if column in (A, B):
            typed = cell_value(value)
            problem = _typed_number_problem(typed)
            if problem is None:
                cells[column] = typed
            else:
                kept = cells[column]
                notes.append(f"Row {number}: the {names[column]} you typed {problem}, so it "
                             f"was not used; it stays {kept:.4g}." if isinstance(kept, float)
                             else f"Row {number}: the {names[column]} you typed {problem}.")
        elif column == LABEL:
            cells[LABEL] = None if value is None else str(value)
    return (cells[A], cells[B], cells[LABEL])


@dataclass(frozen=True)
class EditResult:
    rows: tuple[Row, ...]
    notes: tuple[str, ...]  # why part of the edit was not applied (a bad cell, too many rows)


def apply_edits(rows: Sequence[Row], edits: Mapping[str, Any] | None,
                mode: str = PROBABILITY) -> EditResult:
    """Apply edits (``edited_rows``, ``deleted_rows``, ``added_rows``: the form of a
    ``st.data_editor`` state; :func:`table_edit` writes one learner's edit in it).

    Cell edits first (by row position), then deletions (positions in the
    original table), then additions, which start from :data:`NEW_ROW`. A cell typed as text,
    emptied, or set to NaN, ∞ or beyond :data:`MAX_ACTIVATION` keeps its previous value, with
    a note: a row never loses a number it had. The table keeps 1 to :data:`MAX_ROWS` rows; an
    edit that would break that is cut short, with a note.
    """
    if not edits:
        return EditResult(tuple(rows), ())
    notes: list[str] = []
    edited = list(rows)
    for position, changes in (edits.get("edited_rows") or {}).items():
        index = int(position)
        if 0 <= index < len(edited) and isinstance(changes, Mapping):
            edited[index] = _edited(edited[index], changes, index + 1, mode, notes)
    deleted = {int(i) for i in edits.get("deleted_rows") or ()}
    kept = [row for i, row in enumerate(edited) if i not in deleted]
    if not kept:
        kept = edited[:1]
        notes.append("The table needs at least one row, so the first row was kept.")
    for added in edits.get("added_rows") or ():
        if len(kept) >= MAX_ROWS:
            notes.append(f"The table holds at most {MAX_ROWS} rows; extra rows were not added.")
            break
        kept.append(_edited(NEW_ROW, added if isinstance(added, Mapping) else {},
                            len(kept) + 1, mode, notes))
    return EditResult(tuple(kept), tuple(notes))


# ------------------------------------------------------------------------ checking rows


def _describe(cell: Cell) -> str:
    if cell is None:
        return "is empty"
    if isinstance(cell, str):
        return f"holds the text “{cell[:30]}”, not a number"
    if math.isnan(cell):
        return "is NaN (not a number)"
    return f"is {cell:g}"


def _cell_problem(cell: Cell, column: str, mode: str) -> str | None:
    """Why this cell cannot go into the loss, or ``None`` if it can."""
    if cell is None or isinstance(cell, str) or not math.isfinite(cell):
        return f"{column} {_describe(cell)}; type a number."
    if mode == PROBABILITY and not 0.0 <= cell <= 1.0:
        return (f"{column} {_describe(cell)}, but a probability lies between 0 and 1 "
                "(switch to raw activations to enter any score).")
    if cell < 0:
        return (f"{column} {_describe(cell)}: the log of a negative number is undefined "
                "(Excel shows #NUM!). Apply softmax to turn the row into probabilities.")
    if cell > MAX_ACTIVATION:
        return f"{column} {_describe(cell)}; keep activations at most {MAX_ACTIVATION:,.0f}."
    return None


def column_names(mode: str) -> tuple[str, str]:
    return ("P(cat)", "P(dog)") if mode == PROBABILITY else ("cat activation", "dog activation")


def row_problem(row: Row, mode: str) -> str | None:
    """Why this row gets no loss, or ``None``. In probability mode P(dog) is not checked: it
    follows P(cat)."""
    a_name, b_name = column_names(mode)
    if row[2] not in CAT_DOG_CLASSES:
        return "has no label: choose cat or dog."
    cells = ((row[0], a_name),) if mode == PROBABILITY else ((row[0], a_name), (row[1], b_name))
    for cell, name in cells:
        problem = _cell_problem(cell, name, mode)
        if problem is not None:
            return problem
    return None


@dataclass(frozen=True)
class CheckedRows:
    """The rows ``xent_core`` can take, as arrays, and what is wrong with the others."""

    usable: tuple[int, ...]  # positions of the good rows in the table
    activations: np.ndarray  # (len(usable), 2): [a, b] per good row
    targets: np.ndarray  # (len(usable),): 0 for cat, 1 for dog
    errors: tuple[str, ...]  # "Row 3: ..." for every bad row


def check_rows(rows: Sequence[Row], mode: str) -> CheckedRows:
    """Split the table into good rows (as arrays) and an error sentence for each bad row.

    In probability mode a good row's P(dog) is ``1 - P(cat)``, from ``xent_core``.
    """
    usable, errors = [], []
    for number, row in enumerate(rows, start=1):
        problem = row_problem(row, mode)
        if problem is None:
            usable.append(number - 1)
        else:
            errors.append(f"Row {number}: {problem}")
    good = [rows[i] for i in usable]
    if not good:
        activations = np.empty((0, 2))
    elif mode == PROBABILITY:
        activations = two_class_probabilities([float(row[0]) for row in good])
    else:
        activations = np.array([[row[0], row[1]] for row in good], dtype=float).reshape(-1, 2)
    targets = np.array([CAT_DOG_CLASSES.index(row[2]) for row in good], dtype=np.int64)
    return CheckedRows(tuple(usable), activations, targets, tuple(errors))


def with_dog_following_cat(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Probability mode: P(dog) := 1 - P(cat) wherever P(cat) is a probability."""
    out = []
    for row in rows:
        a = _number(row[0])
        if a is not None and 0.0 <= a <= 1.0:
            out.append((a, float(two_class_probabilities([a])[0, 1]), row[2]))
        else:
            out.append(tuple(row))
    return tuple(out)


def softmax_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Replace each row's two activations by their softmax, ``e^a / (e^a + e^b)`` and
    ``e^b / (e^a + e^b)`` (from ``xent_core``). Negative activations are fine here; rows with
    an empty, non-numeric or huge cell are left for the learner to fix."""
    out = []
    for row in rows:
        a, b = _number(row[0]), _number(row[1])
        if a is None or b is None or max(abs(a), abs(b)) > MAX_ACTIVATION:
            out.append(tuple(row))
            continue
        p_cat, p_dog = softmax([a, b])
        out.append((float(p_cat), float(p_dog), row[2]))
    return tuple(out)


# --------------------------------------------------------------------- the shown table

VERDICT_TEXT = {RIGHT: "right", UNSURE: "unsure (a tie)", WRONG: "wrong"}
MISTAKE_TEXT = "CONFIDENTLY WRONG"
COMPUTED_COLUMNS = ("row_sum", "is_cat", "is_dog", "loss_sum", "loss_if")
TABLE_COLUMNS = (ROW, LABEL, A, B, *COMPUTED_COLUMNS, "verdict")


def input_text(cell: Cell) -> str:
    """What an input cell shows: the number exactly (the shortest text that reads back as
    the same float), or nothing for an empty cell."""
    if cell is None:
        return ""
    return repr(cell) if isinstance(cell, float) else str(cell)


@dataclass(frozen=True)
class ShownTable:
    """The spreadsheet as the page shows it: per column name (:data:`TABLE_COLUMNS`), one
    value per table row (``None``: an empty cell), and the position of the row marked as the
    most confident mistake."""

    columns: dict[str, list]
    mistake: int | None


def shown_table(rows: Sequence[Row], mode: str, checked: CheckedRows,
                view: CatVsDogView | None) -> ShownTable:
    """The spreadsheet's columns, one value per table row.

    ``row`` (the number errors and formulas use), ``label``, ``a``, ``b`` (what the learner
    typed, as text; in probability mode ``b`` is ``1 - a``, a number, shown only where ``a``
    is a probability), then the computed ``row_sum``, ``is_cat`` / ``is_dog`` (the one-hot
    label), ``loss_sum`` (one-hot form), ``loss_if`` (the "if" form) and ``verdict``. Rows
    that cannot be scored get empty computed cells. Every number comes from ``view``
    (``xent_core``).
    """
    n = len(rows)
    computed: dict[str, list] = {name: [None] * n for name in COMPUTED_COLUMNS}
    b: list = ([input_text(row[1]) for row in rows] if mode == RAW else [None] * n)
    verdicts = [""] * n
    mistake = None
    if view is not None:
        at = list(checked.usable)
        analysis, sheet = view.analysis, view.analysis.sheet
        values = {"row_sum": sheet.row_sums, "is_cat": view.one_hot[:, 0],
                  "is_dog": view.one_hot[:, 1], "loss_sum": sheet.one_hot_losses,
                  "loss_if": sheet.if_form_losses}
        for name, column in values.items():
            for position, value in zip(at, column.tolist(), strict=True):
                computed[name][position] = value if math.isfinite(value) else None
        if mode == PROBABILITY:
            for position, value in zip(at, view.activations[:, 1].tolist(), strict=True):
                b[position] = value
        for position, verdict in zip(at, analysis.verdicts, strict=True):
            verdicts[position] = VERDICT_TEXT[verdict]
        if analysis.confident_mistake is not None:
            mistake = at[analysis.confident_mistake]
            verdicts[mistake] = MISTAKE_TEXT
    return ShownTable({
        ROW: list(range(1, n + 1)),
        LABEL: [row[2] if row[2] in CAT_DOG_CLASSES else None for row in rows],
        A: [input_text(row[0]) for row in rows],
        B: b,
        **computed,
        "verdict": verdicts,
    }, mistake)


def table_edit(row: int, column: str, text: str) -> dict[str, Any]:
    """One learner's edit of the spreadsheet (``column``: ``label``, ``a`` or ``b`` typed or
    chosen in row ``row``, counted from 0; ``delete`` that row; ``add`` a row) in the form
    :func:`apply_edits` takes; ``{}`` for anything else."""
    if column in INPUT_COLUMNS:
        return {"edited_rows": {row: {column: text}}}
    if column == "delete":
        return {"deleted_rows": [row]}
    if column == "add":
        return {"added_rows": [{}]}
    return {}
