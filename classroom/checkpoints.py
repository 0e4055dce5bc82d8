"""Predict, then reveal: the checkpoint questions of every lesson, as data.

A checkpoint asks for a guess about one number (or one choice) *on the lesson's own
example*, before the learner sees it. Its true answer is never typed in here: it is
computed by ``xent_core`` from the checkpoint's ``state`` through one entry of
:data:`ANSWERS` -- the one table that ties checkpoints to the numeric core. When the
lesson-level functions (``xent_core.lessons.five_classes`` and friends) arrive, only that
table changes.

Checkpoints are listed per lesson in the lesson's order; the lesson keys are the pages'
``url_path``\\ s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import numpy as np

import xent_core
from classroom.store import QuestionSpec
from classroom.validation import check_choice_guess, check_number_guess
from xent_core.lessons import (
    CAT_DOG_CLASSES,
    CAT_DOG_LABELS,
    CAT_DOG_P_CAT,
    FIVE_CLASS_NAMES,
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_TARGETS,
    SOFTMAX_EXAMPLE,
)

LESSONS = ("cat-vs-dog", "five-classes", "pytorch-batch", "mnist-digits")


# ----------------------------------------------------------------- answers, from the core


def _cat_dog_losses(p_cat, labels, log_base) -> np.ndarray:
    probabilities = np.column_stack([np.asarray(p_cat), 1.0 - np.asarray(p_cat)])
    targets = [CAT_DOG_CLASSES.index(label) for label in labels]
    return xent_core.spreadsheet(probabilities, targets, log_base).one_hot_losses


def _cat_dog_mean_loss(p_cat, labels, log_base) -> float:
    probabilities = np.column_stack([np.asarray(p_cat), 1.0 - np.asarray(p_cat)])
    targets = [CAT_DOG_CLASSES.index(label) for label in labels]
    return xent_core.spreadsheet(probabilities, targets, log_base).mean_loss


def _gradient_direction(logits, target, index) -> str:
    # gradient descent moves a logit against its gradient
    step = -xent_core.explain(logits, target).grad[index]
    return "up" if step > 0 else "down" if step < 0 else "it does not move"


def _sign(value: float) -> str:
    return "negative" if value < 0 else "positive" if value > 0 else "zero"


@cache
def _held_out():
    from xent_core.mnist import load_digits, load_model
    from xent_core.mnist_report import held_out_report

    return held_out_report(load_model(), load_digits())


def _loss_band(loss: float) -> str:
    return "under 1 nat" if loss < 1 else "1 to 5 nats" if loss <= 5 else "over 5 nats"


#: Every checkpoint answer, by name: ``name -> f(**state)``. Only this table calls xent_core.
ANSWERS: Mapping[str, Callable[..., float | str]] = MappingProxyType({
    "cat_vs_dog.row_loss":
        lambda p_cat, labels, log_base, row: float(_cat_dog_losses(p_cat, labels, log_base)[row]),
    "cat_vs_dog.worst_row":
        lambda p_cat, labels, log_base: (
            f"row {int(np.argmax(_cat_dog_losses(p_cat, labels, log_base))) + 1}"),
    "cat_vs_dog.mean_loss": _cat_dog_mean_loss,
    "five_classes.sum_exp":
        lambda logits, target, temperature=1.0: xent_core.explain(
            logits, target, temperature=temperature).sum_exp,
    "five_classes.probability":
        lambda logits, target, index, temperature=1.0: float(xent_core.explain(
            logits, target, temperature=temperature).probabilities[index]),
    "five_classes.loss":
        lambda logits, target, log_base: xent_core.explain(logits, target, log_base).loss,
    "five_classes.gradient_direction": _gradient_direction,
    "pytorch_batch.largest_probability":
        lambda logits: float(np.max(xent_core.softmax(logits))),
    "pytorch_batch.target_probability":
        lambda logits, target, row: float(
            xent_core.explain_batch(logits, target).probabilities[row, target[row]]),
    "pytorch_batch.loss":
        lambda logits, target: float(xent_core.cross_entropy(logits, target)),
    "pytorch_batch.nll_of_probabilities_sign":
        lambda logits, target: _sign(xent_core.explain_batch(logits, target).nll_of_probabilities),
    "mnist.true_probability":
        lambda index: float(_held_out().probabilities[index, _held_out().labels[index]]),
    "mnist.accuracy": lambda: float(_held_out().accuracy),
    "mnist.mean_loss": lambda: float(_held_out().mean_loss),
    "mnist.worst_loss_band":
        lambda: _loss_band(float(_held_out().losses[_held_out().most_confidently_wrong[0]])),
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


_CAT_DOG = {"p_cat": CAT_DOG_P_CAT, "labels": CAT_DOG_LABELS, "log_base": "10"}
_FIVE = {"logits": FIVE_CLASS_OUTPUTS, "target": FIVE_CLASS_TARGET}
_BATCH = {"logits": PYTORCH_BATCH_LOGITS, "target": PYTORCH_BATCH_TARGETS}
_FISH = FIVE_CLASS_NAMES.index("fish")
_ROW_CHOICES = tuple(f"row {i + 1}" for i in range(len(CAT_DOG_P_CAT)))

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
        "a factor e^5 ≈ 148, so 10 takes 0.9933.", {"logits": SOFTMAX_EXAMPLE},
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
        {"index": 425}, tolerance=0.05),
    Checkpoint(
        "mnist-digits/accuracy", "mnist-digits",
        "What share of the 500 held-out digits does this one-layer model get right?",
        "mnist.accuracy", "About 0.89: softmax regression on raw pixels is a modest model.",
        tolerance=0.05, digits=3),
    Checkpoint(
        "mnist-digits/mean-loss", "mnist-digits",
        "What is the mean held-out loss, in nats?",
        "mnist.mean_loss", "About 0.39: most images cost little, a few confident mistakes "
        "cost a lot, and the mean is pulled up by them.", tolerance=0.1),
    Checkpoint(
        "mnist-digits/worst-mistake", "mnist-digits",
        "The model's most confidently wrong image: how large is its loss?",
        "mnist.worst_loss_band", "Over 7 nats: the true digit got p ≈ 0.0004. One such image "
        "weighs as much as a hundred typical right ones.", kind="choice",
        choices=("under 1 nat", "1 to 5 nats", "over 5 nats")),
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
