"""Write PyTorch's answers for every torch-named xent_core function to a committed file.

``tests/data/torch_references.json`` holds fixed, seeded inputs and what PyTorch (CPU) returns
for them. ``tests/test_torch_references.py`` checks xent_core against every value in it on every
run, with no PyTorch installed; where PyTorch is installed (CI installs it) it also checks that
the file is still what this script writes. So ``make test`` on a laptop needs no PyTorch, and the
agreement stays as strong as a live comparison.

Usage, from the repo root, with a CPU build of PyTorch (``make torch``)::

    make references                                            # rewrite the file, or:
    .venv/bin/python scripts/make_torch_references.py          # rewrite the file
    .venv/bin/python scripts/make_torch_references.py --check  # exit 1 if it is out of date

Adding cases (for example for ``mse_loss``, ``kl_div`` or ``multi_margin_loss``)
--------------------------------------------------------------------------------
Append ``Case`` entries to ``CASES`` (the one list; its sections follow "the cases" below),
then run the script (``make references``) and commit the JSON. A case names the xent_core
function, its positional arguments and its keyword options. The PyTorch side is, by default,
``torch.nn.functional.<same name>`` called with the same arguments, arrays turned into tensors:
the same name, argument order and meaning is what xent_core promises. So a new function named
like PyTorch's needs nothing else::

    CASES += [Case(f"mse_loss/random/{r}", "mse_loss", (x, y), {"reduction": r})
              for r in REDUCTIONS]

Only when PyTorch spells it differently say so: ``torch="torch.logsumexp"`` (another function),
``torch_kwargs={"dim": -1}`` (keywords only PyTorch needs), or ``torch="grad:F.cross_entropy"``
(the gradient of ``sum(F.cross_entropy(...))`` with respect to the first argument, by autograd).
Keep inputs small (a few rows): the file must stay well under 1 MB. Give float32 cases float32
arrays throughout (PyTorch wants weights and probability targets in the input's dtype). With
PyTorch installed, a test fails for any xent_core function named like a PyTorch one that has no
cases here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = REPO_ROOT / "tests" / "data" / "torch_references.json"

# Agreement asked of xent_core (and of a rerun of PyTorch) per result dtype: float64 to 1e-9
# relative, float32 to what float32 arithmetic allows (a few units in its 7th digit).
TOLERANCES = {"float64": {"rtol": 1e-9, "atol": 1e-12}, "float32": {"rtol": 2e-5, "atol": 1e-5}}
REDUCTIONS = ("mean", "sum", "none")


@dataclass(frozen=True)
class Case:
    """One call: ``xent_core.<function>(*args, **kwargs)`` against PyTorch's answer.

    ``args`` and ``kwargs`` hold NumPy arrays, Python numbers and strings. ``torch`` names the
    PyTorch route: empty for ``F.<function>``, ``"torch.<name>"`` or ``"F.<name>"`` for another
    name, ``"grad:<route>"`` for the gradient of the summed output with respect to ``args[0]``.
    ``torch_kwargs`` are keywords only PyTorch takes (``dim=-1``).
    """

    name: str
    function: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    torch: str = ""
    torch_kwargs: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ inputs


def logit_sets() -> dict[str, np.ndarray]:
    """Random and extreme logits (float64, shape (N, 6)); the same sets the live test uses."""
    rng = np.random.default_rng(20240521)
    return {
        "random": rng.normal(0.0, 3.0, size=(8, 6)),
        "pm1e4": rng.uniform(-1e4, 1e4, size=(8, 6)),
        "pm1e6": rng.uniform(-1e6, 1e6, size=(8, 6)),
        "huge_and_small_in_one_row": np.array([
            [1e6, -1e6, 0.0, 1e-8, -3.0, 1e6 - 1.0],
            [-1e4, 1e4, 1e4, -1e-3, 7.0, 0.0],
            [1e-300, -1e-300, 5e-324, 0.0, 1.0, -1.0],
            [-1e6, -1e6 + 0.5, -1e6 + 1.0, -1e6, -1e6 - 30.0, -1e6 + 2.0],
            [1e4, -1e4, 1e4 - 1e-9, -1e4 + 1e-9, 0.5, -0.5],
        ]),
        "tiny_differences": 1.0 + rng.normal(0.0, 1e-12, size=(8, 6)),
        "all_equal": np.full((3, 6), 123.456),
        # Around ±40, where cross_entropy switches between exp(x) and exp(x - max).
        "edge_of_the_no_shift_band": np.array([
            [40.0, -40.0, 39.5, 0.0, -39.99, 12.0],
            [40.001, 39.0, -3.0, 0.5, 1.0, 2.0],
            [-40.001, -40.0, -39.0, -40.5, -45.0, -41.0],
            [-40.0, -40.0, -40.0, -40.0, -40.0, -40.0],
        ]),
        # One class far ahead: losses from 1e-16 to 1e-3, where rounding shows first.
        "confident": np.array([
            [38.0, -20.0, 0.0, 1.0, 2.0, 3.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, 35.0],
            [10.0, -10.0, 5.0, -5.0, 39.9, 0.0],
            [7.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ]),
    }


LOGITS = logit_sets()
# float32 copies of every set but the one that only float64 can hold (5e-324, 1e-300).
LOGITS32 = {name: x.astype(np.float32) for name, x in LOGITS.items()
            if name != "huge_and_small_in_one_row"}
WEIGHT = np.array([0.5, 2.0, 1.0, 0.0, 3.0, 1.5])


def targets_for(x: np.ndarray, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, x.shape[-1], size=x.shape[0])


def probability_targets_for(x: np.ndarray, seed: int = 8) -> np.ndarray:
    q = np.random.default_rng(seed).dirichlet(np.ones(x.shape[-1]), size=x.shape[0])
    return q.astype(x.dtype)


def cross_entropy_config(x: np.ndarray, kind: str) -> tuple[Any, dict]:
    """(target, options) for one configuration of cross_entropy / nll_loss on logits ``x``."""
    t = targets_for(x)
    weight = WEIGHT.astype(x.dtype)
    if kind == "plain":
        return t, {}
    if kind == "weight":
        return t, {"weight": weight}
    if kind == "some_ignored":
        t = t.copy()
        t[::3] = -100
        return t, {}
    if kind == "custom_ignore_index":
        return t, {"ignore_index": int(t[0])}  # every example of that class is skipped
    if kind == "all_ignored":
        return np.full_like(t, -100), {}
    if kind == "label_smoothing":
        return t, {"label_smoothing": 0.2}
    if kind == "everything":
        t = t.copy()
        t[1] = -100
        return t, {"weight": weight, "label_smoothing": 0.35}
    if kind == "all_ignored_smoothed":
        return np.full_like(t, -100), {"weight": weight, "label_smoothing": 0.1}
    if kind == "probabilities":
        return probability_targets_for(x), {}
    if kind == "probabilities_weight_smoothing":
        return probability_targets_for(x), {"weight": weight, "label_smoothing": 0.3}
    if kind == "one_hot_probabilities":
        return np.eye(x.shape[-1], dtype=x.dtype)[t], {}
    raise ValueError(f"unknown configuration {kind!r}")


CONFIGS = (
    "plain", "weight", "some_ignored", "custom_ignore_index", "all_ignored", "label_smoothing",
    "everything", "all_ignored_smoothed", "probabilities", "probabilities_weight_smoothing",
    "one_hot_probabilities",
)  # fmt: skip


# ------------------------------------------------------------------------- the cases

CASES: list[Case] = []

# Activations: every logit set, a batch and its first row alone, float64 and float32.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        for batch_name, value in (("batch", x), ("row", x[0])):
            tag = f"{dtype_name}/{set_name}/{batch_name}"
            CASES += [
                Case(f"softmax/{tag}", "softmax", (value,), torch_kwargs={"dim": -1}),
                Case(f"log_softmax/{tag}", "log_softmax", (value,), torch_kwargs={"dim": -1}),
                Case(f"logsumexp/{tag}", "logsumexp", (value,), torch="torch.logsumexp",
                     torch_kwargs={"dim": -1}),
            ]
        CASES += [
            Case(f"sigmoid/{dtype_name}/{set_name}", "sigmoid", (x,), torch="torch.sigmoid"),
            Case(f"log_sigmoid/{dtype_name}/{set_name}", "log_sigmoid", (x,),
                 torch="F.logsigmoid"),
        ]

EXTREME_SCALARS = np.array([-1e6, -745.0, -709.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 709.0, 745.0,
                            1e6])
CASES += [
    Case("sigmoid/float64/extreme_scalars", "sigmoid", (EXTREME_SCALARS,), torch="torch.sigmoid"),
    Case("log_sigmoid/float64/extreme_scalars", "log_sigmoid", (EXTREME_SCALARS,),
         torch="F.logsigmoid"),
]

# cross_entropy and its gradient (by autograd): every configuration and reduction.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        for kind in CONFIGS:
            target, options = cross_entropy_config(x, kind)
            for reduction in REDUCTIONS:
                tag = f"{dtype_name}/{set_name}/{kind}/{reduction}"
                kwargs = {**options, "reduction": reduction}
                CASES += [
                    Case(f"cross_entropy/{tag}", "cross_entropy", (x, target), kwargs),
                    Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x, target), kwargs,
                         torch="grad:F.cross_entropy"),
                ]

# One example: 1-D logits with a scalar class index or a probability vector.
for set_name, x in LOGITS.items():
    for kind in ("plain", "weight", "label_smoothing", "everything"):
        target, options = cross_entropy_config(x, kind)
        for reduction in REDUCTIONS:
            kwargs = {**options, "reduction": reduction}
            tag = f"float64/{set_name}/one_example/{kind}/{reduction}"
            CASES += [
                Case(f"cross_entropy/{tag}", "cross_entropy", (x[1], int(target[1])), kwargs),
                Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x[1], int(target[1])),
                     kwargs, torch="grad:F.cross_entropy"),
            ]
    q = probability_targets_for(x)[0]
    for reduction in REDUCTIONS:
        kwargs = {"weight": WEIGHT, "label_smoothing": 0.1, "reduction": reduction}
        tag = f"float64/{set_name}/one_example/probabilities/{reduction}"
        CASES += [
            Case(f"cross_entropy/{tag}", "cross_entropy", (x[0], q), kwargs),
            Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x[0], q), kwargs,
                 torch="grad:F.cross_entropy"),
        ]

# Every target weighted 0: the mean is 0 / 0 = NaN, even with smoothing.
for smoothing in (0.0, 0.4):
    kwargs = {"weight": WEIGHT, "label_smoothing": smoothing}
    x, target = LOGITS["random"][:3], np.array([3, 3, 3])  # WEIGHT[3] == 0
    CASES += [
        Case(f"cross_entropy/float64/zero_total_weight/smoothing{smoothing}", "cross_entropy",
             (x, target), kwargs),
        Case(f"cross_entropy_grad/float64/zero_total_weight/smoothing{smoothing}",
             "cross_entropy_grad", (x, target), kwargs, torch="grad:F.cross_entropy"),
    ]

# nll_loss of PyTorch's own log_softmax (so both sides read the same log-probabilities).
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        shifted = x - x.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        for kind in ("plain", "weight", "some_ignored", "custom_ignore_index", "all_ignored"):
            target, options = cross_entropy_config(x, kind)
            for reduction in REDUCTIONS:
                CASES.append(Case(f"nll_loss/{dtype_name}/{set_name}/{kind}/{reduction}",
                                  "nll_loss", (log_probs, target),
                                  {**options, "reduction": reduction}))
MINUS_INF_LOG_PROBS = np.array([[0.0, -np.inf, -np.inf], [-0.5, -1.0, -np.inf]])
CASES += [Case(f"nll_loss/float64/minus_infinity/{r}", "nll_loss",
               (MINUS_INF_LOG_PROBS, np.array([1, 0])), {"reduction": r}) for r in REDUCTIONS]

# Binary cross-entropy on probabilities, including PyTorch's clamp of each log at -100.
BCE_PROBS = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16, 0.3, 0.999, 1e-12])
BCE_TARGETS = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.3, 0.0, 0.75])
BCE_WEIGHT = np.linspace(0.0, 2.0, BCE_PROBS.size)
_rng = np.random.default_rng(11)
BATCH_PROBS, BATCH_TARGETS = _rng.random((5, 4)), (_rng.random((5, 4)) > 0.5).astype(float)
BATCH_ROW_WEIGHT = _rng.random(4)  # broadcast along rows
for reduction in REDUCTIONS:
    CASES += [
        Case(f"binary_cross_entropy/float64/clamped/{reduction}", "binary_cross_entropy",
             (BCE_PROBS, BCE_TARGETS), {"reduction": reduction}),
        Case(f"binary_cross_entropy/float64/clamped_weighted/{reduction}",
             "binary_cross_entropy", (BCE_PROBS, BCE_TARGETS),
             {"weight": BCE_WEIGHT, "reduction": reduction}),
        Case(f"binary_cross_entropy/float64/batch_row_weight/{reduction}",
             "binary_cross_entropy", (BATCH_PROBS, BATCH_TARGETS),
             {"weight": BATCH_ROW_WEIGHT, "reduction": reduction}),
        Case(f"binary_cross_entropy/float32/batch_row_weight/{reduction}",
             "binary_cross_entropy",
             (BATCH_PROBS.astype(np.float32), BATCH_TARGETS.astype(np.float32)),
             {"weight": BATCH_ROW_WEIGHT.astype(np.float32), "reduction": reduction}),
    ]

# Binary cross-entropy with logits: soft and hard targets, weight, pos_weight, both.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        rng = np.random.default_rng(12)
        y = np.where(rng.random(x.shape) < 0.2, rng.random(x.shape), rng.random(x.shape) > 0.5)
        y = y.astype(x.dtype)
        weight = (rng.random(x.shape) * 2).astype(x.dtype)
        pos_weight = np.linspace(0.5, 3.0, x.shape[-1]).astype(x.dtype)
        for options_name, options in (("plain", {}), ("weight", {"weight": weight}),
                                      ("pos_weight", {"pos_weight": pos_weight}),
                                      ("both", {"weight": weight, "pos_weight": pos_weight})):
            for reduction in REDUCTIONS:
                CASES.append(Case(
                    f"binary_cross_entropy_with_logits/{dtype_name}/{set_name}/{options_name}/"
                    f"{reduction}",
                    "binary_cross_entropy_with_logits", (x, y), {**options, "reduction": reduction},
                ))


# ----------------------------------------------------------------- running PyTorch


def _to_torch(torch, value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.copy())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(value)
    return value


def torch_answer(case: Case) -> np.ndarray:
    """What PyTorch returns for ``case``, as a NumPy array in PyTorch's result dtype."""
    import torch

    route = case.torch or f"F.{case.function}"
    want_grad = route.startswith("grad:")
    route = route.removeprefix("grad:")
    module_name, _, function_name = route.partition(".")
    module = {"F": torch.nn.functional, "torch": torch}[module_name]
    fn = getattr(module, function_name)
    args = [_to_torch(torch, a) for a in case.args]
    if want_grad:
        args[0].requires_grad_(True)
    kwargs = {k: torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v
              for k, v in case.kwargs.items()}
    result = fn(*args, **kwargs, **case.torch_kwargs)
    if want_grad:
        result.sum().backward()  # for reduction='none', the gradient of the summed losses
        result = args[0].grad
    return result.detach().numpy().copy()


# ------------------------------------------------------------ the file, compact JSON


def _array_json(a: np.ndarray) -> dict:
    values = a.ravel().tolist()
    if a.dtype == np.float32:
        # The shortest decimals that read back as the same float32 (0.1, not 0.100000001...).
        short = [float(str(v)) for v in a.ravel()]
        if np.array_equal(np.array(short, dtype=np.float32), a.ravel(), equal_nan=True):
            values = short
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values}


def _array_from_json(entry: dict) -> np.ndarray:
    return np.array(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])


def _array_id(a: np.ndarray) -> str:
    digest = hashlib.sha256(f"{a.dtype}{a.shape}".encode() + a.tobytes()).hexdigest()
    return digest[:12]


def build_document(cases: list[Case]) -> dict:
    """The JSON document: arrays stored once by content id, cases pointing at them."""
    import torch

    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"case names must be unique: {duplicates[:5]}")
    arrays: dict[str, dict] = {}

    def encode(value):
        if isinstance(value, np.ndarray):
            key = _array_id(value)
            arrays[key] = _array_json(value)
            return {"array": key}
        if isinstance(value, np.generic):
            return value.item()
        return value

    encoded = []
    for case in cases:
        entry = {"name": case.name, "function": case.function,
                 "args": [encode(a) for a in case.args]}
        # Defaults are left out to keep the file small: no options, the F.<function> route.
        if case.kwargs:
            entry["kwargs"] = {k: encode(v) for k, v in case.kwargs.items()}
        if case.torch:
            entry["torch"] = case.torch
        if case.torch_kwargs:
            entry["torch_kwargs"] = case.torch_kwargs
        entry["expected"] = encode(torch_answer(case))
        encoded.append(entry)
    return {
        "about": "PyTorch's answers for xent_core's torch-named functions. Written by "
                 "scripts/make_torch_references.py; do not edit by hand.",
        "torch_version": torch.__version__,
        "tolerances": TOLERANCES,
        "cases": encoded,
        "arrays": dict(sorted(arrays.items())),
    }


def dumps(document: dict) -> str:
    """One case or array per line: small, deterministic, and readable in a diff."""
    lines = ["{"]
    for key in ("about", "torch_version", "tolerances"):
        lines.append(f"{json.dumps(key)}: {json.dumps(document[key])},")
    lines.append('"cases": [')
    lines.append(",\n".join(json.dumps(c) for c in document["cases"]))
    lines.append("],")
    lines.append('"arrays": {')
    lines.append(",\n".join(f"{json.dumps(k)}: {json.dumps(v)}"
                            for k, v in document["arrays"].items()))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load(path: Path = REFERENCE_FILE) -> dict:
    return json.loads(path.read_text())


def decode(document: dict, value):
    """A stored argument or result back as NumPy (arrays) or plain Python (numbers, strings)."""
    if isinstance(value, dict) and set(value) == {"array"}:
        return _array_from_json(document["arrays"][value["array"]])
    return value


def differences(fresh: dict, committed: dict) -> list[str]:
    """Why ``committed`` is not what the script writes now (empty when it is up to date).

    Inputs and case lists must match exactly; PyTorch's results within the tolerances (a
    different CPU can change PyTorch's last bits).
    """
    problems = []
    fresh_cases = {c["name"]: c for c in fresh["cases"]}
    old_cases = {c["name"]: c for c in committed["cases"]}
    for name in sorted(set(fresh_cases) ^ set(old_cases)):
        problems.append(f"{name}: {'new' if name in fresh_cases else 'no longer'} in the script")
    for name in sorted(set(fresh_cases) & set(old_cases)):
        new, old = fresh_cases[name], old_cases[name]
        for part in ("function", "torch", "torch_kwargs", "args", "kwargs"):
            if new.get(part) != old.get(part):
                problems.append(f"{name}: {part} changed")
        a, b = decode(fresh, new["expected"]), decode(committed, old["expected"])
        if a.dtype != b.dtype or a.shape != b.shape:
            problems.append(f"{name}: PyTorch now returns {a.dtype}{a.shape}, "
                            f"the file has {b.dtype}{b.shape}")
        elif not np.allclose(a, b, equal_nan=True, **TOLERANCES[str(a.dtype)]):
            problems.append(f"{name}: PyTorch's answer changed")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the committed file is out of date")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: run `make torch` (a CPU build) first.", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    document = build_document(CASES)
    text = dumps(document)
    if args.check:
        problems = differences(document, load())
        for problem in problems[:20]:
            print(problem)
        if problems:
            print(f"{REFERENCE_FILE.relative_to(REPO_ROOT)} is out of date ({len(problems)} "
                  f"differences): rerun scripts/make_torch_references.py")
            return 1
        print(f"{REFERENCE_FILE.relative_to(REPO_ROOT)} is up to date ({len(CASES)} cases)")
        return 0
    REFERENCE_FILE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_FILE.write_text(text)
    size = REFERENCE_FILE.stat().st_size
    print(f"wrote {REFERENCE_FILE.relative_to(REPO_ROOT)}: {len(CASES)} cases, "
          f"{len(document['arrays'])} arrays, {size / 1024:.0f} kB (torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
