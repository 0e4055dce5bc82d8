"""The PyTorch code behind the batch page: numbers in, a runnable script out (no Streamlit).

The script rebuilds the page's logits at full precision in float64 (the precision the page
computes in), so running it prints the same losses the page shows, to every printed digit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np

from xent_core.batch_options import IGNORE_INDEX, LossOptions


def _number(value: float) -> str:
    """The shortest text that reads back as exactly this float (``repr``), e.g. ``-0.7514``."""
    return repr(float(value))


def _tensor_rows(logits: np.ndarray) -> str:
    """One row per line (wrapped inside the brackets when a row of long numbers is wide)."""
    rows = []
    for row in logits:
        lines = textwrap.wrap(", ".join(_number(v) for v in row), width=90)
        rows.append("    [" + "\n     ".join(lines) + "]")
    return "[\n" + ",\n".join(rows) + ",\n]"


def _shared_options(options: LossOptions, any_ignored: bool) -> list[str]:
    """The keyword arguments ``nll_loss`` and ``cross_entropy`` share, when not the default."""
    parts = []
    if options.weight is not None:
        parts.append("weight=weight")
    if any_ignored:
        parts.append(f"ignore_index={IGNORE_INDEX}")  # PyTorch's default, written out to teach
    if options.reduction != "mean":
        parts.append(f'reduction="{options.reduction}"')
    return parts


def torch_code(logits: Sequence[Sequence[float]], targets: Sequence[int],
               options: LossOptions | None = None) -> str:
    """A script that computes the batch's loss the three ways in PyTorch, and the trap.

    Parameters
    ----------
    logits : shape ``(N, C)``
        The page's logits; written with ``repr`` so every digit survives.
    targets : shape ``(N,)``
        Class indices, -100 for an ignored row.
    options : LossOptions, optional
        PyTorch's defaults if omitted. Non-default options appear as keyword arguments,
        gathered in ``options = dict(...)`` (``weight``, ``ignore_index``, ``reduction``),
        plus ``label_smoothing=...`` for ``cross_entropy`` only.

    Returns
    -------
    str
        Python source defining ``logits``, ``targets``, ``probs``, ``log_probs`` and the losses
        ``loss_softmax_log``, ``loss_log_softmax``, ``loss_cross_entropy`` and ``loss_trap``,
        and printing each.
    """
    options = options or LossOptions()
    x = np.asarray(logits, dtype=np.float64)
    t = [int(v) for v in targets]
    n, c = x.shape
    any_ignored = IGNORE_INDEX in t
    shared = _shared_options(options, any_ignored)
    nll_args = ", **options" if shared else ""
    ce_args = nll_args
    if options.label_smoothing:
        ce_args += f", label_smoothing={_number(options.label_smoothing)}"

    lines = [
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"# {n} example{'s' if n != 1 else ''} × {c} classes: the logits on the page, "
        "in float64 as the page computes.",
        f"logits = torch.tensor({_tensor_rows(x)}, dtype=torch.float64)",
    ]
    if any_ignored:
        lines.append("# A target of -100 (ignore_index) skips that example.")
    lines += [
        f"targets = torch.tensor([{', '.join(map(str, t))}])",
    ]
    if options.weight is not None:
        weights = ", ".join(_number(w) for w in options.weight)
        lines.append("# One weight per class: each example's loss is scaled by its target's.")
        lines.append(f"weight = torch.tensor([{weights}], dtype=torch.float64)")
    if shared:
        lines.append(f"options = dict({', '.join(shared)})")
    lines += [
        "",
        "probs = torch.softmax(logits, dim=1)",
        "print(probs.sum(dim=1))  # every row sums to 1",
        "log_probs = torch.log(probs)",
        "",
        f"loss_softmax_log = F.nll_loss(log_probs, targets{nll_args})",
        f"loss_log_softmax = F.nll_loss(F.log_softmax(logits, dim=1), targets{nll_args})",
    ]
    if options.label_smoothing:
        lines.append("# nll_loss has no label_smoothing, so only cross_entropy is smoothed.")
    lines += [
        f"loss_cross_entropy = F.cross_entropy(logits, targets{ce_args})",
        'print("softmax -> log -> nll_loss:", loss_softmax_log)',
        'print("log_softmax -> nll_loss:   ", loss_log_softmax)',
        'print("cross_entropy on logits:   ", loss_cross_entropy)',
        "",
        "# The trap: nll_loss expects log-probabilities; given probabilities it is wrong.",
        f"loss_trap = F.nll_loss(probs, targets{nll_args})",
        'print("nll_loss on probabilities (wrong):", loss_trap)',
    ]
    return "\n".join(lines) + "\n"
