"""Checkpoints: every answer comes from xent_core and equals the lesson's own numbers."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import xent_core
from classroom import InvalidInput
from classroom.checkpoints import (
    ANSWERS,
    CHECKPOINTS,
    LESSONS,
    for_lesson,
    get_checkpoint,
    next_checkpoint,
)
from ui.lessons import LESSONS as LESSON_PAGES
from xent_core.lessons import (
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_LOSS,
    PYTORCH_BATCH_TARGETS,
    five_classes,
    pytorch_batch,
    soft_labels,
    why_not_mse,
)

ROOT = Path(__file__).resolve().parents[1]


def _softmax(z) -> list[float]:
    """Softmax by hand, in plain Python: an independent reference for the checkpoints."""
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    return [e / sum(exps) for e in exps]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# Lessons 5 to 8, derived by hand from the presets (not through xent_core).
_P_WRONG = _softmax([-4.0, 5.0, 1.0])  # why-not-mse, "confidently wrong": cat is true
_SMOOTHED = [0.02, 0.02, 0.02, 0.92, 0.02]  # ε = 0.1 over 5 classes, fish true
_Q = _softmax(FIVE_CLASS_OUTPUTS)
_H_SMOOTHED = -sum(p * math.log(p) for p in _SMOOTHED)
HAND_DERIVED = {
    "why-not-mse/cross-entropy": (-math.log(_P_WRONG[0]), 1e-9),
    "why-not-mse/larger-loss": "cross-entropy",  # MSE ≤ 2 / 3, checked below
    "why-not-mse/ce-gradient": (_P_WRONG[0] - 1.0, 1e-9),
    "why-not-mse/mse-gradient": "near 0 (under 0.01)",  # derived below
    "why-not-mse/race": "cross-entropy",  # the lesson's story: only CE fixes its mistake fast
    "sigmoid-or-softmax/sigmoid-sum": "more than 1",
    "sigmoid-or-softmax/softmax-cat": (_softmax([2.0, 1.5, -1.0, -2.5])[0], 1e-12),
    "sigmoid-or-softmax/two-classes": "they are equal",
    "sigmoid-or-softmax/naive-bce": (100.0, 0.0),  # PyTorch clamps log 0 to −100
    "numbers-that-overflow/float16-threshold": (math.log(65504.0), 1e-9),
    "numbers-that-overflow/by-hand": "NaN",
    "numbers-that-overflow/log-of-softmax": "−∞",
    # 800 + logsumexp(0, −800, 5) = 805 + ln(1 + e^−5 + e^−805); float32 keeps ~7 digits
    "numbers-that-overflow/log-softmax": (805.0 + math.log1p(math.exp(-5.0)), 1e-3),
    "numbers-that-overflow/shift": "NaN",
    "soft-labels/lowest-loss": (_H_SMOOTHED, 1e-12),
    "soft-labels/kl": (sum(p * math.log(p / q) for p, q in zip(_SMOOTHED, _Q, strict=True)),
                       1e-12),
    "soft-labels/distillation": (_softmax([v / 4.0 for v in FIVE_CLASS_OUTPUTS])[3], 1e-12),
    "soft-labels/scaling-accuracy": "it stays the same",
    "soft-labels/fitted-temperature": "below 1",
}

# The lessons' printed numbers (see xent_core/lessons.py), and the MNIST page's own figures.
LESSON_NUMBERS = {
    "cat-vs-dog/coin-flip": (0.30, 0.005),
    "cat-vs-dog/confident-right": (0.01, 0.005),
    "cat-vs-dog/confident-wrong": (1.00, 0.005),
    "cat-vs-dog/worst-row": "row 3",
    "cat-vs-dog/mean-loss": (0.33, 0.005),
    "five-classes/sum-exp": (12.14, 0.005),
    "five-classes/p-fish": (0.90, 0.005),
    "five-classes/loss": (0.107, 0.0005),
    "five-classes/fish-arrow": "up",
    "five-classes/temperature": (0.628, 0.0005),
    "pytorch-batch/softmax-example": (9.9331e-01, 0.5e-4),
    "pytorch-batch/first-row": (0.3313, 0.5e-4),
    "pytorch-batch/batch-loss": (1.0313, 0.5e-4),  # 1.0314 from the rounded printed logits
    "pytorch-batch/nll-trap": "negative",
    "mnist-digits/typical-eight": (0.954, 0.0005),
    "mnist-digits/accuracy": (0.894, 0.0005),
    "mnist-digits/mean-loss": (0.389, 0.0005),
    "mnist-digits/worst-mistake": "over 5 nats",
    **HAND_DERIVED,
}


def test_every_lesson_page_has_at_least_three_checkpoints():
    assert set(LESSONS) == {c.lesson for c in CHECKPOINTS}
    for lesson in LESSONS:
        assert len(for_lesson(lesson)) >= 3, lesson
    for page in LESSON_PAGES:  # the registry's lesson pages, 1 to 8
        assert len(for_lesson(page.url_path)) >= 3, page.file


@pytest.mark.parametrize("page", LESSON_PAGES, ids=lambda page: page.url_path)
def test_every_lesson_page_asks_its_own_checkpoints_through_its_state(page):
    source = (ROOT / page.file).read_text(encoding="utf-8")
    calls = re.findall(r"lesson_state\((.*?)\)\n", source, flags=re.S)
    assert len(calls) == 1, f"{page.file} must call lesson_state once"
    assert f'checkpoints="{page.url_path}"' in calls[0]


def test_checkpoints_are_listed_lesson_by_lesson_in_page_order():
    lessons_in_order = [c.lesson for c in CHECKPOINTS]
    assert lessons_in_order == sorted(lessons_in_order, key=LESSONS.index)
    assert len({c.id for c in CHECKPOINTS}) == len(CHECKPOINTS)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS, ids=lambda c: c.id)
def test_every_answer_is_computed_by_the_core_and_matches_the_lesson(checkpoint):
    assert checkpoint.answer in ANSWERS
    expected = LESSON_NUMBERS[checkpoint.id]
    answer = checkpoint.true_answer()
    if checkpoint.kind == "choice":
        assert answer == expected and answer in checkpoint.choices
    else:
        value, half_unit = expected
        assert abs(answer - value) <= half_unit, (checkpoint.id, answer)
        assert checkpoint.tolerance > 0
    assert checkpoint.why and checkpoint.question.strip().endswith("?")


def test_fish_gets_90_percent_on_the_slide_example():
    p_fish = get_checkpoint("five-classes/p-fish").true_answer()
    assert p_fish == pytest.approx(xent_core.softmax(FIVE_CLASS_OUTPUTS)[3], rel=1e-15)
    assert round(p_fish, 2) == 0.90


def test_the_batch_loss_is_pytorchs_cross_entropy_of_the_lesson_batch():
    loss = get_checkpoint("pytorch-batch/batch-loss").true_answer()
    assert loss == pytest.approx(
        xent_core.cross_entropy(PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS), rel=1e-14)
    assert abs(loss - PYTORCH_BATCH_LOSS) < 2e-4


def test_answers_are_what_the_pages_lesson_function_shows():
    # the page's one call, on the page's preset inputs: the checkpoint reads the same view
    page2 = five_classes(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET)
    assert get_checkpoint("five-classes/p-fish").true_answer() == page2.p_target
    assert get_checkpoint("five-classes/sum-exp").true_answer() == page2.breakdown.sum_exp
    page3 = pytorch_batch([-9.0, 5.0, 10.0], PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS)
    assert get_checkpoint("pytorch-batch/batch-loss").true_answer() == page3.loss
    page5 = why_not_mse([-4.0, 5.0, 1.0], 0)
    assert get_checkpoint("why-not-mse/cross-entropy").true_answer() == \
        page5.cross_entropy.loss
    page8 = soft_labels(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET, 0.1)
    assert get_checkpoint("soft-labels/lowest-loss").true_answer() == page8.lowest_loss
    assert get_checkpoint("soft-labels/kl").true_answer() == page8.kl_divergence


def test_mse_is_smaller_and_its_gradient_flat_when_confidently_wrong():
    # by hand: MSE = (1/C) Σ (p − one_hot)², at most 2 / C; its gradient through softmax
    # d/dx_t = p_t (g_t − Σ p_c g_c), g = 2 (p − one_hot) / C
    p, one_hot, c = np.array(_P_WRONG), np.array([1.0, 0.0, 0.0]), 3
    mse = float(np.mean((p - one_hot) ** 2))
    g = 2.0 * (p - one_hot) / c
    grad_cat = p[0] * (g[0] - float(p @ g))
    assert mse < -math.log(_P_WRONG[0]) and mse <= 2 / 3
    assert abs(grad_cat) < 0.01 < abs(_P_WRONG[0] - 1.0)
    assert grad_cat == pytest.approx(why_not_mse([-4.0, 5.0, 1.0], 0).mse.grad[0], rel=1e-9)


def test_the_overflow_answers_follow_numpys_own_float_types():
    with np.errstate(over="ignore", invalid="ignore"):
        exps = np.exp(np.array([12.0, 10.0, 3.0], dtype=np.float16))
        assert np.isnan(exps[0] / exps.sum())  # ∞ / ∞
        p1 = np.exp(np.float32(-805.0))
        shifted = np.exp(np.float64(1002.0))
    assert p1 == 0.0  # so log(softmax)[1] is log 0 = −∞
    assert shifted == np.inf  # the shift by 1000 breaks by hand even in float64


def test_sigmoids_need_not_sum_to_one_and_two_class_softmax_is_a_sigmoid():
    scores = [2.0, 1.5, -1.0, -2.5]
    assert sum(_sigmoid(z) for z in scores) == pytest.approx(2.0432, abs=1e-4)
    assert _softmax(scores[:2])[0] == pytest.approx(_sigmoid(0.5), rel=1e-15)


def test_temperature_scaling_never_changes_the_predicted_digit():
    from xent_core.lessons.soft_labels import held_out_fitted_temperature, held_out_logits

    logits, _ = held_out_logits()
    fitted = held_out_fitted_temperature()
    assert fitted < 1.0
    assert (np.argmax(logits / fitted, axis=1) == np.argmax(logits, axis=1)).all()


def test_a_guess_is_scored_against_the_core_with_its_distance():
    p_fish = get_checkpoint("five-classes/p-fish")
    answer = p_fish.true_answer()
    near, far = p_fish.score(0.87), p_fish.score("0.5")
    assert near.close and near.error == pytest.approx(0.87 - answer)
    assert not far.close and far.error == pytest.approx(0.5 - answer)
    assert far.describe(2) == "Your 0.50 is 0.40 below the answer, 0.90 (outside the tolerance)."
    arrow = get_checkpoint("five-classes/fish-arrow")
    assert arrow.score("up").close and not arrow.score("down").close
    assert arrow.score("down").describe(2) == "You picked “down”; the answer is “up”."


@pytest.mark.parametrize("guess", ["", "abc", "1e999", float("nan"), None])
def test_a_guess_that_is_not_a_number_gets_a_message(guess):
    with pytest.raises(InvalidInput):
        get_checkpoint("five-classes/p-fish").score(guess)


def test_a_choice_outside_the_list_gets_a_message():
    with pytest.raises(InvalidInput, match="Pick one of the answers offered"):
        get_checkpoint("five-classes/fish-arrow").score("sideways")


def test_the_spec_stored_for_a_class_carries_the_cores_answer():
    spec = get_checkpoint("pytorch-batch/nll-trap").spec()
    assert (spec.kind, spec.answer, spec.choices) == ("choice", "negative",
                                                      ("negative", "zero", "positive"))


def test_next_checkpoint_walks_the_lessons_in_order_and_wraps():
    assert next_checkpoint(None) is CHECKPOINTS[0]
    assert next_checkpoint(CHECKPOINTS[0].id) is CHECKPOINTS[1]
    assert next_checkpoint(CHECKPOINTS[-1].id) is CHECKPOINTS[0]
    with pytest.raises(KeyError, match="no checkpoint 'nope'"):
        get_checkpoint("nope")


def test_every_lesson_page_has_checkpoints_and_every_checkpoint_a_lesson_page():
    from ui.lessons import LESSONS as LESSON_PAGES_IN_ORDER

    assert list(LESSONS) == [lesson.url_path for lesson in LESSON_PAGES_IN_ORDER]
