"""Predict, then reveal: the checkpoint questions of every lesson, as data.

A checkpoint asks for a guess about one number (or one choice) *on the lesson's own
example*, before the learner sees it. Its true answer is never typed in here: it is
computed from the checkpoint's ``state`` through one entry of :data:`ANSWERS` -- the one
table that ties checkpoints to the numeric core. Each entry calls the lesson-level function
the page itself calls (``xent_core.lessons.five_classes`` and friends) with the page's
inputs, and reads the number the page shows from the view it returns: a checkpoint's
answer is, by construction, what the page shows on that state.

Checkpoints are listed per lesson in the lesson's order; the lesson keys are the pages'
``url_path``\\ s, in the order of the lesson registry (``ui.lessons``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import numpy as np

from classroom.store import QuestionSpec
from classroom.validation import check_choice_guess, check_number_guess
from xent_core.lessons import (
    FIVE_CLASS_NAMES,
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_TARGETS,
    SOFTMAX_EXAMPLE,
    cat_dog_probabilities,
    cat_dog_targets,
    cat_vs_dog,
    five_classes,
    mnist_digits,
    overflow,
    pytorch_batch,
    sigmoid_or_softmax,
    soft_labels,
    why_not_mse,
)
from xent_core.lessons.overflow import PRESETS as OVERFLOW_PRESETS
from xent_core.lessons.sigmoid_or_softmax import CLASS_NAMES as SIGMOID_CLASSES
from xent_core.lessons.sigmoid_or_softmax import PRESETS as SIGMOID_PRESETS
from xent_core.lessons.soft_labels import CLASS_NAMES as SOFT_CLASSES
from xent_core.lessons.soft_labels import PRESETS as SOFT_PRESETS
from xent_core.lessons.why_not_mse import DEFAULT_LR, DEFAULT_STEPS
from xent_core.lessons.why_not_mse import PRESETS as MSE_PRESETS

LESSONS = ("cat-vs-dog", "five-classes", "pytorch-batch", "mnist-digits", "why-not-mse",
           "sigmoid-or-softmax", "numbers-that-overflow", "soft-labels")


# ----------------------------------------------------------------- answers, from the core
# Each helper takes the page's inputs (the checkpoint's state), makes the page's one core
# call, and reads one number of its view.


def _cat_dog_losses(activations, targets, log_base) -> np.ndarray:
    """Column E of the spreadsheet: each row's loss, as page 1 shows it."""
    return cat_vs_dog(activations, targets, log_base=log_base).analysis.sheet.one_hot_losses


def _gradient_direction(logits, target, index) -> str:
    # the page's next step, x ← x − lr · gradient: which way did this logit go?
    view = five_classes(logits, target)
    step = view.next_logits[index] - view.breakdown.logits[index]
    return "up" if step > 0 else "down" if step < 0 else "it does not move"


def _sign(value: float) -> str:
    return "negative" if value < 0 else "positive" if value > 0 else "zero"


def _batch(example_logits, logits, targets):
    return pytorch_batch(example_logits, logits, targets)


@cache
def _held_out():
    from xent_core.mnist import load_digits, load_model
    from xent_core.mnist_report import held_out_report

    return held_out_report(load_model(), load_digits())


def _mnist(index: int, label: int | None = None):
    """Page 4's call: held-out image ``index`` scored against ``label`` (its true one)."""
    report = _held_out()
    return mnist_digits(report, index, report.labels[index] if label is None else label)


def _worst_mnist_loss() -> float:
    worst = int(_held_out().most_confidently_wrong[0])
    return _mnist(worst).image_loss


def _loss_band(loss: float) -> str:
    return "under 1 nat" if loss < 1 else "1 to 5 nats" if loss <= 5 else "over 5 nats"


def _larger_loss(logits, target) -> str:
    view = why_not_mse(logits, target)
    ce, mse = view.cross_entropy.loss, view.mse.loss
    return "cross-entropy" if ce > mse else "MSE on probabilities" if mse > ce else \
        "they are equal"


def _gradient_size(logits, target, loss: str) -> str:
    size = abs(float(getattr(why_not_mse(logits, target), loss).grad[target]))
    return ("near 0 (under 0.01)" if size < 0.01 else
            "large (over 0.5)" if size > 0.5 else "in between (0.01 to 0.5)")


def _race_winner(logits, target, lr, steps) -> str:
    view = why_not_mse(logits, target, lr=lr, steps=steps)
    finals = [float(r.race_target_probability[-1]) for r in view.readings]
    return view.readings[int(np.argmax(finals))].name


def _compared_with_one(total: float) -> str:
    return "exactly 1" if math.isclose(total, 1.0, abs_tol=1e-12) else \
        "less than 1" if total < 1 else "more than 1"


def _pair_comparison(logits, labels, pair) -> str:
    view = sigmoid_or_softmax(logits, labels, pair=pair)
    if math.isclose(view.pair_softmax, view.pair_sigmoid, rel_tol=1e-12, abs_tol=1e-15):
        return "they are equal"
    return "softmax is larger" if view.pair_softmax > view.pair_sigmoid else \
        "sigmoid is larger"


_FLOAT_KINDS = ("a number", "∞", "−∞", "NaN")


def _float_kind(value: float) -> str:
    """What a float is, as the overflow lesson names it: NaN, ∞, −∞ or a number."""
    return ("NaN" if math.isnan(value) else "∞" if value == math.inf
            else "−∞" if value == -math.inf else "a number")


def _routes(logits, target, shift, dtype: str):
    """Page 7's call, the routes of one precision ("float16", "float32" or "float64")."""
    return getattr(overflow(logits, target, shift), dtype)


def _shifted_by_hand(logits, target, shift) -> str:
    routes = _routes(logits, target, shift, "float64")
    if routes.by_hand_breaks:
        return "NaN"
    return "the same probabilities" if routes.shift_change_by_hand < 1e-9 else \
        "different probabilities"


def _temperature_scaling_accuracy(logits, target, label_smoothing, temperature) -> str:
    as_trained = soft_labels(logits, target, label_smoothing, temperature)
    scaled = soft_labels(logits, target, label_smoothing, temperature,
                         calibration_temperature=as_trained.fitted_temperature)
    return ("it stays the same" if scaled.accuracy == as_trained.accuracy
            else "it rises" if scaled.accuracy > as_trained.accuracy else "it falls")


def _fitted_temperature_side(logits, target, label_smoothing, temperature) -> str:
    fitted = soft_labels(logits, target, label_smoothing, temperature).fitted_temperature
    return "above 1" if fitted > 1 else "below 1" if fitted < 1 else "exactly 1"


#: Every checkpoint answer, by name: ``name -> f(**state)``. Only this table calls xent_core,
#: and every entry calls a lesson's own function (what its page calls).
ANSWERS: Mapping[str, Callable[..., float | str]] = MappingProxyType({
    # 1 · cat_vs_dog(activations, targets, log_base)
    "cat_vs_dog.row_loss":
        lambda activations, targets, log_base, row: float(
            _cat_dog_losses(activations, targets, log_base)[row]),
    "cat_vs_dog.worst_row":
        lambda activations, targets, log_base: (
            f"row {int(np.argmax(_cat_dog_losses(activations, targets, log_base))) + 1}"),
    "cat_vs_dog.mean_loss":
        lambda activations, targets, log_base: float(
            cat_vs_dog(activations, targets, log_base=log_base).analysis.mean_loss),
    # 2 · five_classes(logits, target, temperature, log_base)
    "five_classes.sum_exp":
        lambda logits, target, temperature=1.0: float(
            five_classes(logits, target, temperature).breakdown.sum_exp),
    "five_classes.probability":
        lambda logits, target, index, temperature=1.0: float(
            five_classes(logits, target, temperature).breakdown.probabilities[index]),
    "five_classes.loss":
        lambda logits, target, log_base: float(
            five_classes(logits, target, log_base=log_base).loss),
    "five_classes.gradient_direction": _gradient_direction,
    # 3 · pytorch_batch(example_logits, logits, targets)
    "pytorch_batch.largest_probability":
        lambda example_logits, logits, targets: float(
            np.max(_batch(example_logits, logits, targets).example_probabilities)),
    "pytorch_batch.target_probability":
        lambda example_logits, logits, targets, row: float(
            _batch(example_logits, logits, targets).p_target[row]),
    "pytorch_batch.loss":
        lambda example_logits, logits, targets: float(
            _batch(example_logits, logits, targets).loss),
    "pytorch_batch.nll_of_probabilities_sign":
        lambda example_logits, logits, targets: _sign(
            _batch(example_logits, logits, targets).batch.nll_of_probabilities),
    # 4 · mnist_digits(report, index, label); the accuracy is the report's, as page 4 shows
    "mnist.true_probability":
        lambda index: float(_mnist(index).breakdown.probabilities[_mnist(index).true_label]),
    "mnist.accuracy": lambda: float(_held_out().accuracy),
    "mnist.mean_loss": lambda index: float(_mnist(index).mean_loss),
    "mnist.worst_loss_band": lambda: _loss_band(_worst_mnist_loss()),
    # 5 · why_not_mse(logits, target, lr, steps)
    "why_not_mse.cross_entropy":
        lambda logits, target: why_not_mse(logits, target).cross_entropy.loss,
    "why_not_mse.larger_loss": _larger_loss,
    "why_not_mse.cross_entropy_gradient":
        lambda logits, target: float(why_not_mse(logits, target).cross_entropy.grad[target]),
    "why_not_mse.gradient_size": _gradient_size,
    "why_not_mse.race_winner": _race_winner,
    # 6 · sigmoid_or_softmax(logits, labels, pos_weight, pair)
    "sigmoid_or_softmax.sigmoid_sum":
        lambda logits, labels: _compared_with_one(
            sigmoid_or_softmax(logits, labels).sigmoid_sum),
    "sigmoid_or_softmax.softmax_probability":
        lambda logits, labels, index: float(
            sigmoid_or_softmax(logits, labels).softmax_probabilities[index]),
    "sigmoid_or_softmax.pair": _pair_comparison,
    "sigmoid_or_softmax.naive_bce_term":
        lambda logits, labels, index: float(
            sigmoid_or_softmax(logits, labels).bce_naive_terms[index]),
    # 7 · overflow(logits, target, shift)
    "overflow.threshold":
        lambda logits, target, shift, dtype: _routes(logits, target, shift, dtype)
        .overflow_threshold,
    "overflow.softmax_by_hand":
        lambda logits, target, shift, dtype, index: _float_kind(
            _routes(logits, target, shift, dtype).softmax_by_hand[index]),
    "overflow.log_of_softmax":
        lambda logits, target, shift, dtype: _float_kind(
            _routes(logits, target, shift, dtype).log_of_softmax[target]),
    "overflow.log_softmax_loss":
        lambda logits, target, shift, dtype: _routes(logits, target, shift, dtype)
        .loss_log_softmax,
    "overflow.shifted_by_hand": _shifted_by_hand,
    # 8 · soft_labels(logits, target, label_smoothing, temperature)
    "soft_labels.lowest_loss":
        lambda logits, target, label_smoothing, temperature: soft_labels(
            logits, target, label_smoothing, temperature).lowest_loss,
    "soft_labels.kl_divergence":
        lambda logits, target, label_smoothing, temperature: soft_labels(
            logits, target, label_smoothing, temperature).kl_divergence,
    "soft_labels.probability":
        lambda logits, target, label_smoothing, temperature, index: float(soft_labels(
            logits, target, label_smoothing, temperature).probabilities[index]),
    "soft_labels.temperature_scaling_accuracy": _temperature_scaling_accuracy,
    "soft_labels.fitted_temperature_side": _fitted_temperature_side,
})


# ------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Score:
    """How a guess compares with the answer."""

    guess: float | str
    answer: float | str
    close: bool  # within tolerance (number) or the right choice
    error: float | None  # guess − answer, for numbers

    def describe(self, digits: int) -> str:
        """One sentence: "0.80 is 0.10 below 0.90 — within the tolerance of 0.05." etc."""
        if self.error is None:
            return (f"You picked “{self.guess}”: right." if self.close
                    else f"You picked “{self.guess}”; the answer is “{self.answer}”.")
        if self.error == 0:
            return f"{self.guess:.{digits}f} is exactly right."
        where = "above" if self.error > 0 else "below"
        verdict = "close enough" if self.close else "outside the tolerance"
        return (f"Your {self.guess:.{digits}f} is {abs(self.error):.{digits}f} {where} the "
                f"answer, {self.answer:.{digits}f} ({verdict}).")


@dataclass(frozen=True)
class Checkpoint:
    """One "predict, then reveal" question on a lesson's own example.

    ``answer`` names an entry of :data:`ANSWERS`; ``state`` holds its arguments (the
    lesson's preset inputs). ``tolerance`` is absolute, for numbers; ``digits`` is how
    many decimals the reveal shows.
    """

    id: str
    lesson: str
    question: str
    answer: str
    why: str
    state: Mapping[str, object] = field(default_factory=dict)
    kind: str = "number"
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()
    digits: int = 2

    def true_answer(self) -> float | str:
        """The answer, computed now by ``xent_core`` from ``state``."""
        return ANSWERS[self.answer](**self.state)

    def check_guess(self, guess) -> float | str:
        """The guess as a number / one of the choices; ``InvalidInput`` otherwise."""
        if self.kind == "number":
            return check_number_guess(guess)
        return check_choice_guess(guess, self.choices)

    def score(self, guess) -> Score:
        guess = self.check_guess(guess)
        answer = self.true_answer()
        if self.kind == "number":
            error = float(guess) - float(answer)
            return Score(guess, answer, abs(error) <= self.tolerance + 1e-12, error)
        return Score(guess, answer, guess == answer, None)

    def spec(self) -> QuestionSpec:
        """The question as the class-session store keeps it (answer computed now)."""
        return QuestionSpec(self.id, self.kind, self.true_answer(), self.tolerance,
                            self.choices)


def _preset(values) -> tuple:
    """A preset as nested tuples: a checkpoint's state holds no mutable arrays."""
    return tuple(_preset(v) for v in values) if np.ndim(values) else values.item() \
        if isinstance(values, np.generic) else values


# The pages' preset inputs: the state each checkpoint is asked on.
_CAT_DOG = {"activations": _preset(cat_dog_probabilities()),
            "targets": _preset(cat_dog_targets()), "log_base": "10"}
_FIVE = {"logits": FIVE_CLASS_OUTPUTS, "target": FIVE_CLASS_TARGET}
_BATCH = {"example_logits": SOFTMAX_EXAMPLE, "logits": PYTORCH_BATCH_LOGITS,
          "targets": PYTORCH_BATCH_TARGETS}
_FISH = FIVE_CLASS_NAMES.index("fish")
_ROW_CHOICES = tuple(f"row {i + 1}" for i in range(len(_CAT_DOG["targets"])))
_MNIST_IMAGE = {"index": 425}  # the image page 4 opens on
# Pages 5 to 8 open on one of their lesson's presets; a checkpoint may name another.
_CONFIDENTLY_WRONG = dict(zip(("logits", "target"), MSE_PRESETS["confidently wrong"],
                              strict=True))  # cat −4, dog 5, bird 1; cat is true
_CAT_AND_DOG = dict(zip(("logits", "labels"), SIGMOID_PRESETS["cat and dog"], strict=True))
_CAR_SCORE_40 = dict(zip(("logits", "labels"), SIGMOID_PRESETS["car score of 40"], strict=True))
_OVERFLOW_INPUTS = ("logits", "target", "shift")
_FLOAT16_OVERFLOWS = dict(zip(_OVERFLOW_INPUTS, OVERFLOW_PRESETS["float16 overflows"],
                              strict=True))
_LOG_OF_0 = dict(zip(_OVERFLOW_INPUTS, OVERFLOW_PRESETS["log of 0"], strict=True))
_SHIFT_1000 = dict(zip(_OVERFLOW_INPUTS, OVERFLOW_PRESETS["shift by 1000"], strict=True))
_SOFT_INPUTS = ("logits", "target", "label_smoothing", "temperature")
_SMOOTHED = dict(zip(_SOFT_INPUTS, SOFT_PRESETS["label smoothing 0.1"], strict=True))
_DISTILLED = dict(zip(_SOFT_INPUTS, SOFT_PRESETS["distillation, T = 4"], strict=True))

CHECKPOINTS: tuple[Checkpoint, ...] = (
    # 1 · Cat vs dog: the fast.ai spreadsheet, Excel's LOG (base 10)
    Checkpoint(
        "cat-vs-dog/coin-flip", "cat-vs-dog",
        "Row 1: the model says P(cat) = 0.5 and the picture is a cat. What is the row's loss "
        "with log₁₀, as in the spreadsheet?",
        "cat_vs_dog.row_loss", "−log₁₀(0.5) ≈ 0.30: a coin-flip answer costs the same "
        "whichever class is true.", {**_CAT_DOG, "row": 0}, tolerance=0.03),
    Checkpoint(
        "cat-vs-dog/confident-right", "cat-vs-dog",
        "Row 2: P(cat) = 0.98 and it is a cat. What is the row's loss (log₁₀)?",
        "cat_vs_dog.row_loss", "Confident and right: −log₁₀(0.98) ≈ 0.01, almost nothing to "
        "learn.", {**_CAT_DOG, "row": 1}, tolerance=0.02, digits=3),
    Checkpoint(
        "cat-vs-dog/confident-wrong", "cat-vs-dog",
        "Row 3: P(cat) = 0.9, but the picture is a dog. What is the row's loss (log₁₀)?",
        "cat_vs_dog.row_loss", "Only P(dog) = 0.1 counts: −log₁₀(0.1) = 1, more than three "
        "times the coin flip. Confident mistakes cost most.", {**_CAT_DOG, "row": 2},
        tolerance=0.1),
    Checkpoint(
        "cat-vs-dog/worst-row", "cat-vs-dog",
        "Which of the five rows adds the most to the mean loss?",
        "cat_vs_dog.worst_row", "The confident mistake (row 3): −log p grows without bound "
        "as the true class's p goes to 0.", _CAT_DOG, kind="choice", choices=_ROW_CHOICES),
    Checkpoint(
        "cat-vs-dog/mean-loss", "cat-vs-dog",
        "What is the mean loss over the five rows (log₁₀)?",
        "cat_vs_dog.mean_loss", "(0.30 + 0.01 + 1.00 + 0.30 + 0.05) / 5 ≈ 0.33: the one "
        "confident mistake is most of it.", _CAT_DOG, tolerance=0.05),
    # 2 · Five classes: softmax by hand on the lesson's logits
    Checkpoint(
        "five-classes/sum-exp", "five-classes",
        "Logits cat −2.17, dog −1.63, plane −2.75, fish 2.39, building −0.156. What is the "
        "sum of e^logit over the five classes?",
        "five_classes.sum_exp", "e^2.39 ≈ 10.9 on its own; the four negative logits add only "
        "about 1.2.", _FIVE, tolerance=1.0),
    Checkpoint(
        "five-classes/p-fish", "five-classes",
        "Same logits. What probability does softmax give fish?",
        "five_classes.probability", "10.9 / 12.14 ≈ 0.90: exp turns a lead of a few logits "
        "into most of the probability.", {**_FIVE, "index": _FISH}, tolerance=0.05),
    Checkpoint(
        "five-classes/loss", "five-classes",
        "Fish is the true class. What is the loss in nats (natural log)?",
        "five_classes.loss", "−ln(0.90) ≈ 0.11: a small loss for a confident, right answer.",
        {**_FIVE, "log_base": "e"}, tolerance=0.03, digits=3),
    Checkpoint(
        "five-classes/fish-arrow", "five-classes",
        "One step of gradient descent on this loss: which way does the fish logit move?",
        "five_classes.gradient_direction", "∂loss/∂x_fish = p_fish − 1 < 0, so descent raises "
        "the true class's logit and lowers every other.", {**_FIVE, "index": _FISH},
        kind="choice", choices=("up", "down", "it does not move")),
    Checkpoint(
        "five-classes/temperature", "five-classes",
        "Now divide every logit by a temperature T = 2 before softmax. What is P(fish)?",
        "five_classes.probability", "Halving the gaps flattens softmax: fish falls from 0.90 "
        "to about 0.63.", {**_FIVE, "index": _FISH, "temperature": 2.0}, tolerance=0.05),
    # 3 · The PyTorch batch
    Checkpoint(
        "pytorch-batch/softmax-example", "pytorch-batch",
        "torch.softmax of the logits [−9, 5, 10]: what is the largest probability?",
        "pytorch_batch.largest_probability", "e^10 / (e^−9 + e^5 + e^10): a gap of 5 logits is "
        "a factor e^5 ≈ 148, so 10 takes 0.9933.", _BATCH,
        tolerance=0.01, digits=4),
    Checkpoint(
        "pytorch-batch/first-row", "pytorch-batch",
        "The 3 × 5 batch, row 1, target class 3 (its logit 1.3868 is the row's largest). "
        "What probability does softmax give the target?",
        "pytorch_batch.target_probability", "The largest logit, but only just: 1.2616 and "
        "1.2298 are close behind, so p ≈ 0.33.", {**_BATCH, "row": 0}, tolerance=0.05),
    Checkpoint(
        "pytorch-batch/batch-loss", "pytorch-batch",
        "F.cross_entropy(logits, target) on the whole batch, targets [3, 0, 1]: what is the "
        "mean loss?",
        "pytorch_batch.loss", "The mean of −ln p[target] over the rows: (1.10 + 0.55 + 1.44) "
        "/ 3 ≈ 1.03, the lesson's 1.0314.", _BATCH, tolerance=0.1, digits=4),
    Checkpoint(
        "pytorch-batch/nll-trap", "pytorch-batch",
        "The trap: F.nll_loss(F.softmax(logits), target), probabilities instead of "
        "log-probabilities. What is the sign of the result?",
        "pytorch_batch.nll_of_probabilities_sign", "nll_loss only picks −input[target]; "
        "given probabilities it returns −mean p, negative and meaningless.", _BATCH,
        kind="choice", choices=("negative", "zero", "positive")),
    # 4 · MNIST digits
    Checkpoint(
        "mnist-digits/typical-eight", "mnist-digits",
        "The page opens on held-out image 425, a handwritten 8 the model reads correctly. "
        "What probability does the model give 8?",
        "mnist.true_probability", "About 0.95: a typical right answer, loss −ln 0.95 ≈ 0.05.",
        _MNIST_IMAGE, tolerance=0.05),
    Checkpoint(
        "mnist-digits/accuracy", "mnist-digits",
        "What share of the 500 held-out digits does this one-layer model get right?",
        "mnist.accuracy", "About 0.89: softmax regression on raw pixels is a modest model.",
        tolerance=0.05, digits=3),
    Checkpoint(
        "mnist-digits/mean-loss", "mnist-digits",
        "What is the mean held-out loss, in nats?",
        "mnist.mean_loss", "About 0.39: most images cost little, a few confident mistakes "
        "cost a lot, and the mean is pulled up by them.", _MNIST_IMAGE, tolerance=0.1),
    Checkpoint(
        "mnist-digits/worst-mistake", "mnist-digits",
        "The model's most confidently wrong image: how large is its loss?",
        "mnist.worst_loss_band", "Over 7 nats: the true digit got p ≈ 0.0004. One such image "
        "weighs as much as a hundred typical right ones.", kind="choice",
        choices=("under 1 nat", "1 to 5 nats", "over 5 nats")),
    # 5 · Why not MSE? The page opens on "confidently wrong": cat −4, dog 5, bird 1; cat true
    Checkpoint(
        "why-not-mse/cross-entropy", "why-not-mse",
        "Logits cat −4, dog 5, bird 1, and the picture is a cat: the model is confidently "
        "wrong. What is the cross-entropy loss in nats?",
        "why_not_mse.cross_entropy", "p(cat) = e^−4 / (e^−4 + e^5 + e^1) ≈ 1.2e−4, and "
        "−ln of that is about 9.0: a huge loss for a confident mistake.", _CONFIDENTLY_WRONG,
        tolerance=1.0),
    Checkpoint(
        "why-not-mse/larger-loss", "why-not-mse",
        "Same logits. Which loss is larger: cross-entropy, or MSE on the softmax probabilities "
        "against the one-hot?",
        "why_not_mse.larger_loss", "MSE compares numbers between 0 and 1, so it can never "
        "pass 2 / C ≈ 0.67 here; cross-entropy's −log p has no ceiling (≈ 9.0).",
        _CONFIDENTLY_WRONG, kind="choice",
        choices=("cross-entropy", "MSE on probabilities", "they are equal")),
    Checkpoint(
        "why-not-mse/ce-gradient", "why-not-mse",
        "Cross-entropy's gradient on the cat logit, ∂loss/∂x_cat: what is it?",
        "why_not_mse.cross_entropy_gradient", "p_cat − 1 ≈ −1: the more confidently wrong, "
        "the harder cross-entropy pushes the true logit up.", _CONFIDENTLY_WRONG,
        tolerance=0.05, digits=4),
    Checkpoint(
        "why-not-mse/mse-gradient", "why-not-mse",
        "And MSE's gradient on the cat logit, when the model is this confidently wrong: "
        "near 0 or large?",
        "why_not_mse.gradient_size", "MSE's gradient reaches the logits through softmax and "
        "picks up a factor p_cat ≈ 1e−4 on the way: about −0.00016, almost flat.",
        {**_CONFIDENTLY_WRONG, "loss": "mse"}, kind="choice",
        choices=("near 0 (under 0.01)", "in between (0.01 to 0.5)", "large (over 0.5)")),
    Checkpoint(
        "why-not-mse/race", "why-not-mse",
        f"The race: {DEFAULT_STEPS} steps of gradient descent (lr {DEFAULT_LR:g}) on each loss "
        "from these logits. Which loss raises p(cat) the most?",
        "why_not_mse.race_winner", "Cross-entropy takes p(cat) to about 0.98; the hinge gets "
        "to about 0.78 and stops once cat leads by the margin; MSE has hardly moved (≈ 0.0003).",
        {**_CONFIDENTLY_WRONG, "lr": DEFAULT_LR, "steps": DEFAULT_STEPS}, kind="choice",
        choices=("cross-entropy", "MSE on probabilities", "multiclass hinge")),
    # 6 · Sigmoid or softmax? The page opens on "cat and dog": scores 2, 1.5, −1, −2.5
    Checkpoint(
        "sigmoid-or-softmax/sigmoid-sum", "sigmoid-or-softmax",
        "Scores cat 2, dog 1.5, car −1, tree −2.5; the photo shows a cat and a dog. A sigmoid "
        "per class turns each score into a probability: what do the four add up to?",
        "sigmoid_or_softmax.sigmoid_sum", "Each sigmoid answers its own yes/no question, so "
        "nothing makes them share: 0.88 + 0.82 + 0.27 + 0.08 ≈ 2.04.", _CAT_AND_DOG,
        kind="choice", choices=("exactly 1", "less than 1", "more than 1")),
    Checkpoint(
        "sigmoid-or-softmax/softmax-cat", "sigmoid-or-softmax",
        "Same scores through softmax instead. What probability does softmax give cat "
        "(its sigmoid was 0.88)?",
        "sigmoid_or_softmax.softmax_probability", "Softmax makes the classes share one unit: "
        "dog's 1.5 takes a third of it, so cat gets e² / Σ e^z ≈ 0.60.",
        {**_CAT_AND_DOG, "index": SIGMOID_CLASSES.index("cat")}, tolerance=0.05),
    Checkpoint(
        "sigmoid-or-softmax/two-classes", "sigmoid-or-softmax",
        "Two classes only, cat and dog: compare softmax([z_cat, z_dog]) for cat with "
        "sigmoid(z_cat − z_dog). Which is larger?",
        "sigmoid_or_softmax.pair", "e^a / (e^a + e^b) = 1 / (1 + e^−(a − b)): both are "
        "σ(0.5) ≈ 0.6225. A two-class softmax is one sigmoid of the difference.",
        {**_CAT_AND_DOG, "pair": (0, 1)}, kind="choice",
        choices=("softmax is larger", "sigmoid is larger", "they are equal")),
    Checkpoint(
        "sigmoid-or-softmax/naive-bce", "sigmoid-or-softmax",
        "The story “car score of 40”: a cat photo, but the car's score is 40. What does "
        "F.binary_cross_entropy(torch.sigmoid(x), y) give for the car's term, in nats?",
        "sigmoid_or_softmax.naive_bce_term", "σ(40) rounds to exactly 1.0, so log(1 − σ) is "
        "log 0, which PyTorch clamps to −100: 100 nats. The stable with_logits gives 40.",
        {**_CAR_SCORE_40, "index": SIGMOID_CLASSES.index("car")}, tolerance=5.0, digits=1),
    # 7 · Numbers that overflow. The page opens on "float16 overflows": logits 12, 10, 3
    Checkpoint(
        "numbers-that-overflow/float16-threshold", "numbers-that-overflow",
        "float16's largest number is 65504. Above which logit x does e^x overflow to ∞ in "
        "float16?",
        "overflow.threshold", "ln 65504 ≈ 11.09: e^12 is already ∞ in float16 (88.72 in "
        "float32, 709.78 in float64).", {**_FLOAT16_OVERFLOWS, "dtype": "float16"},
        tolerance=0.5),
    Checkpoint(
        "numbers-that-overflow/by-hand", "numbers-that-overflow",
        "Logits 12, 10, 3 in float16, softmax by hand (exp, sum, divide). What comes out for "
        "class 0?",
        "overflow.softmax_by_hand", "e^12 is ∞ in float16, so the sum is ∞ and class 0 gets "
        "∞ ÷ ∞ = NaN. Subtracting the max first gives the right 0.88.",
        {**_FLOAT16_OVERFLOWS, "dtype": "float16", "index": 0}, kind="choice",
        choices=_FLOAT_KINDS),
    Checkpoint(
        "numbers-that-overflow/log-of-softmax", "numbers-that-overflow",
        "The example “log of 0”: logits 0, −800, 5, true class 1. In float32, what does "
        "log(softmax(x)) give for class 1?",
        "overflow.log_of_softmax", "p₁ = e^−805 underflows to exactly 0 (even in float64), "
        "and log 0 = −∞: the loss is ∞ and its gradient NaN.",
        {**_LOG_OF_0, "dtype": "float32"}, kind="choice", choices=_FLOAT_KINDS),
    Checkpoint(
        "numbers-that-overflow/log-softmax", "numbers-that-overflow",
        "Same logits, float32, but the fused log_softmax: what is the loss −log_softmax(x)[1], "
        "in nats?",
        "overflow.log_softmax_loss", "log_softmax = x − logsumexp(x) never forms p: "
        "−(−800 − 5.0067) ≈ 805.0, finite, with a finite gradient.",
        {**_LOG_OF_0, "dtype": "float32"}, tolerance=5.0, digits=1),
    Checkpoint(
        "numbers-that-overflow/shift", "numbers-that-overflow",
        "Logits 2, 1, 0.1 plus c = 1000 on every logit, in float64. What does softmax by hand "
        "give now?",
        "overflow.shifted_by_hand", "Softmax ignores a shift in exact maths, but e^1002 is ∞ "
        "even in float64 (above 709.78): by hand gives NaN, the max-subtracted route the same "
        "probabilities as before.", _SHIFT_1000, kind="choice",
        choices=("the same probabilities", "different probabilities", "NaN")),
    # 8 · Soft labels. The page opens on "label smoothing 0.1": page 2's logits, fish true
    Checkpoint(
        "soft-labels/lowest-loss", "soft-labels",
        "Label smoothing ε = 0.1 over the 5 classes: the target is 0.92 on fish and 0.02 on "
        "each other class. What is the lowest loss any prediction can reach, in nats?",
        "soft_labels.lowest_loss", "H(p, q) = H(p) + KL(p‖q) and KL ≥ 0, so the floor is "
        "H(p) = −0.92 ln 0.92 − 4 · 0.02 ln 0.02 ≈ 0.39, reached at q = p: never 0.",
        _SMOOTHED, tolerance=0.05, digits=3),
    Checkpoint(
        "soft-labels/kl", "soft-labels",
        "With page 2's logits (P(fish) ≈ 0.90), the loss stacks as H(p) + KL(p‖q). How tall "
        "is the KL part, in nats?",
        "soft_labels.kl_divergence", "q is already close to p (0.90 vs 0.92 on fish), so "
        "KL ≈ 0.04: almost all of the 0.43 loss is the floor H(p).",
        _SMOOTHED, tolerance=0.03, digits=3),
    Checkpoint(
        "soft-labels/distillation", "soft-labels",
        "Distillation: divide the same logits by T = 4 before softmax. What is P(fish) now "
        "(0.90 at T = 1)?",
        "soft_labels.probability", "Dividing by 4 shrinks every gap: softmax flattens and "
        "fish keeps only about 0.40; the other classes' shares are the soft targets.",
        {**_DISTILLED, "index": SOFT_CLASSES.index("fish")}, tolerance=0.05),
    Checkpoint(
        "soft-labels/scaling-accuracy", "soft-labels",
        "Temperature scaling on the MNIST model: divide its logits by the temperature that "
        "minimises the held-out loss. What happens to its accuracy?",
        "soft_labels.temperature_scaling_accuracy", "Dividing every logit by the same T > 0 "
        "keeps the largest one the largest: confidence changes, the predicted digit never.",
        _SMOOTHED, kind="choice", choices=("it rises", "it falls", "it stays the same")),
    Checkpoint(
        "soft-labels/fitted-temperature", "soft-labels",
        "That best temperature for the MNIST model: is it above or below 1?",
        "soft_labels.fitted_temperature_side", "Below 1 (≈ 0.93): this model's mean "
        "confidence (0.86) is under its accuracy (0.89), so the fit sharpens it. An "
        "overconfident network would get T > 1.", _SMOOTHED, kind="choice",
        choices=("above 1", "below 1", "exactly 1")),
)

_BY_ID = {c.id: c for c in CHECKPOINTS}


def get_checkpoint(checkpoint_id: str) -> Checkpoint:
    """The checkpoint with this id; ``KeyError`` names the unknown id."""
    try:
        return _BY_ID[checkpoint_id]
    except KeyError:
        raise KeyError(f"no checkpoint {checkpoint_id!r}") from None


def for_lesson(lesson: str) -> tuple[Checkpoint, ...]:
    """The lesson's checkpoints in the lesson's order."""
    return tuple(c for c in CHECKPOINTS if c.lesson == lesson)


def next_checkpoint(checkpoint_id: str | None) -> Checkpoint:
    """The checkpoint after this one across all lessons (the first one to start with)."""
    if checkpoint_id not in _BY_ID:
        return CHECKPOINTS[0]
    index = CHECKPOINTS.index(_BY_ID[checkpoint_id])
    return CHECKPOINTS[(index + 1) % len(CHECKPOINTS)]
