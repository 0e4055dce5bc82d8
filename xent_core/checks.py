"""Input checks shared by every function in ``xent_core``.

Each check turns learner input into a float64 (or integer) NumPy array, or raises
``ValueError`` with a sentence that names the argument, says what was expected and shows
what was given. The app prints these messages next to the input that caused them, so they
are written for a learner, not for a programmer.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("mean", "sum", "none")

# Probabilities typed by hand (0.33, 0.33, 0.34) or produced by softmax in float64 sum to 1
# well within this; anything further off is a real mistake.
SUM_TO_ONE_TOLERANCE = 1e-6


def _preview(values: np.ndarray, limit: int = 6) -> str:
    flat = np.ravel(values)
    shown = ", ".join(f"{v:g}" for v in flat[:limit])
    return f"[{shown}, ...]" if flat.size > limit else f"[{shown}]"


def _position(index: tuple[int, ...]) -> str:
    if len(index) == 1:
        return f"position {index[0]}"
    return f"row {index[0]}, column {index[1]}" if len(index) == 2 else f"index {index}"


def as_float_array(values, name: str, *, keep_float32: bool = False) -> np.ndarray:
    """Convert ``values`` to a float64 array, explaining what went wrong if it is not numeric.

    With ``keep_float32=True`` a float32 array stays float32 (no copy), as a float32 tensor
    does in PyTorch; the torch-named functions use this. Everything else becomes float64.
    """
    if isinstance(values, str):
        raise ValueError(f"{name} must be numbers, but got the text {values!r}.")
    if keep_float32 and getattr(values, "dtype", None) == np.float32:
        return np.asarray(values)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be numbers, but got something that is not a number ({error})."
        ) from None
    return array


def check_finite(array: np.ndarray, name: str, *, allow_neg_inf: bool = False) -> None:
    """Reject NaN and infinite entries, naming the first offending position."""
    if np.isfinite(array).all():  # the fast, common case: one pass, no index bookkeeping
        return
    bad = np.isnan(array) | (np.isposinf(array) if allow_neg_inf else np.isinf(array))
    if not bad.any():
        return
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    value = array[index] if index else array
    where = f" at {_position(index)}" if index else ""
    kind = "NaN (not a number)" if np.isnan(value) else f"an infinite value ({value:g})"
    raise ValueError(
        f"{name} contains {kind}{where}; every entry must be a finite real number."
    )


def check_logits(logits, name: str = "logits", *, keep_float32: bool = False) -> np.ndarray:
    """Logits as float64 of shape ``(C,)`` or ``(N, C)``: finite, at least one class.

    ``keep_float32=True`` leaves a float32 array in float32 (see :func:`as_float_array`).
    """
    array = as_float_array(logits, name, keep_float32=keep_float32)
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be a vector of shape (C,) or a matrix of shape (N, C) with one "
            f"row per example; got an array with {array.ndim} dimensions, shape {array.shape}."
        )
    if array.shape[-1] == 0:
        raise ValueError(f"{name} has no classes; give at least one value per example.")
    if array.ndim == 2 and array.shape[0] == 0:
        raise ValueError(f"{name} has no examples; give at least one row.")
    check_finite(array, name)
    return array


def check_one_example(logits, caller: str) -> np.ndarray:
    """Logits of a single example for ``caller``: shape ``(C,)``, finite, at least one class."""
    array = check_logits(logits)
    if array.ndim != 1:
        raise ValueError(
            f"{caller} takes one example: logits of shape (C,); got shape {array.shape}."
        )
    return array


def check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of 'mean', 'sum' or 'none'; got {reduction!r}."
        )
    return reduction


def check_temperature(temperature) -> float:
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number; got {temperature!r}.") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(
            f"temperature must be a positive finite number (1 leaves the logits as they "
            f"are); got {value:g}."
        )
    return value


def check_class_indices(target, n_classes: int, batch_shape: tuple[int, ...],
                        ignore_index: int | None) -> np.ndarray:
    """Class-index targets as int64 with shape ``batch_shape``, each in ``[0, C)`` or ignored.

    Whole-number floats such as ``3.0`` are accepted (a learner types them); anything else
    that is not a whole number is rejected. ``ignore_index=None`` for losses that have no
    way to skip an example.
    """
    raw = np.asarray(target)
    if raw.dtype.kind in "USO":
        raise ValueError(f"target must be class indices (whole numbers); got {target!r}.")
    if raw.dtype == np.bool_:
        raise ValueError("target must be class indices (whole numbers), not True/False values.")
    if raw.shape != batch_shape:
        expected = "a single class index" if batch_shape == () else f"shape {batch_shape}"
        raise ValueError(
            f"target must be {expected} (one class index per example), "
            f"but got shape {raw.shape}."
        )
    if raw.dtype.kind == "f" and not (np.isfinite(raw).all() and (raw == np.round(raw)).all()):
        raise ValueError(
            f"target must be whole-number class indices 0 to {n_classes - 1}; "
            f"got {_preview(raw)}."
        )
    # Signed integers convert to int64 exactly; floats and unsigned 64-bit ones may not.
    if raw.dtype.kind in "uf" and raw.size and (np.abs(raw.astype(np.float64)) > 2**62).any():
        raise ValueError(
            f"target must be class indices 0 to {n_classes - 1}; got a number far too large."
        )
    indices = raw.astype(np.int64)
    valid = (indices >= 0) & (indices < n_classes)
    if ignore_index is not None:
        valid |= indices == ignore_index
    if not valid.all():
        bad = int(np.ravel(indices)[np.ravel(~valid)][0])
        skip = "" if ignore_index is None else (
            f" (or ignore_index={ignore_index} to skip an example)")
        raise ValueError(
            f"target {bad} is not a class: with {n_classes} classes the target must be "
            f"0 to {n_classes - 1}{skip}."
        )
    return indices


def check_weight(weight, n_classes: int, name: str = "weight") -> np.ndarray | None:
    """Per-class weights of shape ``(C,)``: finite and non-negative."""
    if weight is None:
        return None
    array = as_float_array(weight, name)
    if array.shape != (n_classes,):
        raise ValueError(
            f"{name} must have one entry per class, shape ({n_classes},); got shape {array.shape}."
        )
    check_finite(array, name)
    if (array < 0).any():
        raise ValueError(f"{name} must be zero or positive for every class; got {_preview(array)}.")
    return array


def check_probabilities(probs, name: str, *, axis: int | None = -1,
                        require_sum_to_one: bool = True,
                        keep_float32: bool = False) -> np.ndarray:
    """Probabilities: finite, in ``[0, 1]``, and (optionally) summing to 1 along ``axis``."""
    array = as_float_array(probs, name, keep_float32=keep_float32)
    if array.size == 0:
        raise ValueError(f"{name} is empty; give at least one probability.")
    check_finite(array, name)
    if (array < 0).any():
        raise ValueError(
            f"{name} must be probabilities, but contains a negative value "
            f"({array.min():g}); probabilities lie between 0 and 1."
        )
    if (array > 1).any():
        raise ValueError(
            f"{name} must be probabilities, but contains a value above 1 "
            f"({array.max():g}); probabilities lie between 0 and 1."
        )
    if require_sum_to_one and axis is not None:
        sums = array.sum(axis=axis)
        off = np.abs(sums - 1.0) > SUM_TO_ONE_TOLERANCE
        if np.any(off):
            first = np.ravel(sums)[np.ravel(off)][0]
            raise ValueError(
                f"{name} must sum to 1 over the classes, but one row sums to {first:.6g}."
            )
    return array


def check_label_smoothing(label_smoothing) -> float:
    try:
        value = float(label_smoothing)
    except (TypeError, ValueError):
        raise ValueError(f"label_smoothing must be a number; got {label_smoothing!r}.") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"label_smoothing must be between 0 (no smoothing) and 1; got {value:g}."
        )
    return value


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}."
        )


def check_whole_number(value, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a float such as ``5.0`` is accepted)."""
    allowed = f"{name} must be a whole number from {low} to {high}; got {value!r}."
    if isinstance(value, bool | str | bytes):
        raise ValueError(allowed)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(allowed) from None
    if not (np.isfinite(number) and number.is_integer() and low <= number <= high):
        raise ValueError(allowed)
    return int(number)
