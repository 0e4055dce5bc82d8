"""Checkpoints: every answer comes from xent_core and equals the lesson's own numbers."""

from __future__ import annotations

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
from xent_core.lessons import (
    FIVE_CLASS_OUTPUTS,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_LOSS,
    PYTORCH_BATCH_TARGETS,
)

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
}


def test_every_lesson_page_has_at_least_three_checkpoints():
    assert set(LESSONS) == {c.lesson for c in CHECKPOINTS}
    for lesson in LESSONS:
        assert len(for_lesson(lesson)) >= 3, lesson


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
    assert loss == xent_core.cross_entropy(PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS)
    assert abs(loss - PYTORCH_BATCH_LOSS) < 2e-4


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
