"""One core call per lesson: each view holds the lesson's numbers, losses in the chosen base."""

import math

import numpy as np
import pytest

from xent_core import explain, softmax
from xent_core.lessons import (
    FIVE_CLASS_OUTPUTS,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_TARGETS,
    SOFTMAX_EXAMPLE,
    SOFTMAX_EXAMPLE_PROBABILITIES,
    cat_dog_probabilities,
    cat_dog_targets,
    cat_vs_dog,
    five_class_steps,
    five_classes,
    mnist_digits,
    pytorch_batch,
)
from xent_core.steps import gradient_descent, gradient_step

LESSON_BATCH = (PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS)


def test_five_classes_gives_the_slide_numbers_and_the_next_step():
    view = five_classes(FIVE_CLASS_OUTPUTS, 3, lr=0.5)
    assert round(view.breakdown.sum_exp, 2) == 12.14
    assert round(view.p_target, 3) == 0.899
    assert view.predicted == 3
    np.testing.assert_allclose(view.next_logits, gradient_step(FIVE_CLASS_OUTPUTS, 3, 0.5),
                               rtol=1e-12)
    assert view.stable is None and view.history.size == 0


@pytest.mark.parametrize("base, divisor", [("2", math.log(2)), ("10", math.log(10))])
def test_five_classes_losses_and_history_come_back_in_the_chosen_base(base, divisor):
    steps = five_class_steps(FIVE_CLASS_OUTPUTS, 3, 1.0, 1.0, 3)
    view = five_classes(steps.logits, 3, log_base=base, history=steps.history)
    assert view.loss == pytest.approx(explain(steps.logits, 3).loss / divisor, rel=1e-12)
    np.testing.assert_allclose(view.history, np.asarray(steps.history) / divisor, rtol=1e-12)


def test_steps_extend_the_history_that_started_at_the_lesson_logits():
    first = five_class_steps(FIVE_CLASS_OUTPUTS, 3, 1.0, 1.0, 1)
    second = five_class_steps(first.logits, 3, 1.0, 1.0, 10, history=first.history)
    reference = gradient_descent(FIVE_CLASS_OUTPUTS, 3, 1.0, 11)
    np.testing.assert_allclose(second.history, reference.losses, rtol=1e-12)
    np.testing.assert_allclose(second.logits, reference.logits[-1], rtol=1e-12)
    assert all(a > b for a, b in zip(second.history, second.history[1:], strict=False))


def test_a_step_past_the_logit_limit_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="past ±10,000"):
        five_class_steps([9_999.0, 9_999.0], 0, 1.0, 10.0, 10, limit=1e4)


def test_overflowing_logits_get_the_stable_exp_column():
    view = five_classes([1000.0, 999.0], 0)
    assert view.breakdown.exp_overflows
    np.testing.assert_allclose(view.stable.exp, [1.0, math.exp(-1)], rtol=1e-12)


def test_cat_vs_dog_gives_the_spreadsheet_columns_in_log10():
    view = cat_vs_dog(cat_dog_probabilities(), cat_dog_targets(), log_base="10")
    sheet = view.analysis.sheet
    assert [round(v, 2) for v in sheet.one_hot_losses] == [0.30, 0.01, 1.00, 0.30, 0.05]
    np.testing.assert_array_equal(view.one_hot[:, 1], [0, 0, 1, 1, 0])
    np.testing.assert_allclose(view.log_activations[1], np.log10([0.98, 0.02]), rtol=1e-12)
    assert view.formula_row == 2  # the 0.9-cat labelled dog
    assert view.negative_loss_rows == ()


def test_raw_activations_above_one_give_a_negative_screwy_loss():
    view = cat_vs_dog([[2.0, 3.0]], [1])
    assert view.negative_loss_rows == (0,)
    assert view.analysis.sheet.one_hot_losses[0] == pytest.approx(-math.log(3), rel=1e-12)


def test_the_pytorch_lesson_opens_on_softmax_of_minus_9_5_10():
    view = pytorch_batch(SOFTMAX_EXAMPLE, *LESSON_BATCH, lesson_batch=LESSON_BATCH)
    printed = [float(f"{p:.4e}") for p in view.example_probabilities]
    assert printed == list(SOFTMAX_EXAMPLE_PROBABILITIES) == [5.5653e-09, 6.6929e-03, 9.9331e-01]
    assert view.example_probabilities.sum() == pytest.approx(1.0, abs=1e-15)


def test_pytorch_batch_routes_agree_in_nats_and_in_the_chosen_base():
    view = pytorch_batch(SOFTMAX_EXAMPLE, *LESSON_BATCH, log_base="2", lesson_batch=LESSON_BATCH)
    assert view.is_lesson_batch
    assert [round(v, 4) for v in view.routes_nats] == [1.0313] * 3
    assert view.routes[2] == pytest.approx(view.routes_nats[2] / math.log(2), rel=1e-12)
    p = softmax(np.asarray(PYTORCH_BATCH_LOGITS))
    np.testing.assert_allclose(view.p_target, p[[0, 1, 2], PYTORCH_BATCH_TARGETS], rtol=1e-12)


def test_an_ignored_row_has_no_target_probability():
    view = pytorch_batch(SOFTMAX_EXAMPLE, PYTORCH_BATCH_LOGITS, (3, -100, 1))
    assert math.isnan(view.p_target[1]) and not view.is_lesson_batch


@pytest.fixture(scope="module")
def report():
    from xent_core.mnist import load_digits, load_model
    from xent_core.mnist_report import held_out_report

    return held_out_report(load_model(), load_digits())


def test_mnist_view_scores_the_model_logits_and_the_whole_set_in_bits(report):
    index = report.default_index
    view = mnist_digits(report, index, int(report.labels[index]), log_base="2")
    assert view.loss == pytest.approx(report.losses[index] / math.log(2), rel=1e-9)
    assert view.image_loss == pytest.approx(view.loss, rel=1e-9)
    assert view.mean_loss == pytest.approx(report.mean_loss / math.log(2), rel=1e-12)
    assert view.histogram_counts.sum() == report.n_samples
    assert view.model_logits_used


def test_mnist_view_scores_edited_logits_against_another_label(report):
    index = report.default_index
    edited = np.zeros(10)
    edited[3] = 5.0
    view = mnist_digits(report, index, 3, logits=edited)
    assert view.loss == pytest.approx(explain(edited, 3).loss, rel=1e-12)
    assert view.true_label_loss == pytest.approx(explain(edited, view.true_label).loss,
                                                 rel=1e-12)
    assert not view.model_logits_used
    with pytest.raises(ValueError, match="image index"):
        mnist_digits(report, report.n_samples, 0)
