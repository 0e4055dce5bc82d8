"""xent_core.mnist_report: per-image losses, the loss of the held-out set, and ranked lists."""

from __future__ import annotations

import math

import numpy as np
import pytest
from torch_helpers import require_torch

from xent_core import cross_entropy, entropy, softmax
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import (
    confidently_right,
    confusion_matrix,
    held_out_report,
    loss_histogram,
    mean_by_class,
    most_confidently_wrong,
    most_unsure,
    report_from_logits,
    top_confusions,
    typical_correct_example,
)


@pytest.fixture(scope="module")
def report():
    return held_out_report(load_model(), load_digits())


# --------------------------------------------------------------- the held-out report


def test_the_loss_of_the_set_is_the_mean_of_the_per_image_losses(report):
    assert report.losses.shape == (500,)
    assert report.losses.mean() == pytest.approx(report.mean_loss, rel=1e-12)
    assert report.mean_loss == pytest.approx(float(cross_entropy(report.logits, report.labels)))
    assert report.total_loss == pytest.approx(500 * report.mean_loss, rel=1e-12)


def test_each_per_image_loss_is_minus_the_log_probability_of_the_true_digit(report):
    picked = report.probabilities[np.arange(500), report.labels]
    np.testing.assert_allclose(report.losses, -np.log(picked), rtol=1e-9)


def test_per_image_losses_and_the_mean_match_pytorch(report):
    torch = require_torch()
    F = torch.nn.functional
    logits, labels = torch.tensor(report.logits), torch.tensor(report.labels)
    np.testing.assert_allclose(
        report.losses, F.cross_entropy(logits, labels, reduction="none").numpy(), rtol=1e-10
    )
    assert report.mean_loss == pytest.approx(F.cross_entropy(logits, labels).item(), rel=1e-12)


def test_the_report_reproduces_the_models_held_out_accuracy_and_loss(report):
    digits, model = load_digits(), load_model()
    assert report.accuracy == pytest.approx(model.accuracy(digits.test_x, digits.test_y))
    assert report.accuracy == pytest.approx(0.894)
    assert report.mean_loss == pytest.approx(model.loss(digits.test_x, digits.test_y))


def test_the_confusion_matrix_counts_every_image_once(report):
    assert report.confusion.sum() == report.n_samples == 500
    np.testing.assert_array_equal(report.confusion.sum(axis=1), np.bincount(report.labels))


def test_the_trace_of_the_confusion_matrix_over_n_is_the_accuracy(report):
    assert report.n_correct == np.trace(report.confusion)
    assert report.n_correct / report.n_samples == pytest.approx(report.accuracy)
    assert report.n_correct + report.n_wrong == report.n_samples


def test_entropies_are_those_of_the_predicted_probabilities(report):
    np.testing.assert_allclose(report.entropies, entropy(softmax(report.logits)))
    assert (report.entropies >= 0).all() and (report.entropies <= math.log(10) + 1e-12).all()


def test_most_confidently_wrong_images_are_all_misclassified_by_loss_descending(report):
    wrong = report.most_confidently_wrong
    assert len(wrong) == 12
    assert (report.predictions[wrong] != report.labels[wrong]).all()
    assert (np.diff(report.losses[wrong]) <= 0).all()
    worst_mistake = max(report.losses[report.predictions != report.labels])
    assert report.losses[wrong[0]] == worst_mistake == report.losses.max()


def test_most_unsure_images_have_the_highest_entropies_descending(report):
    unsure = report.most_unsure
    assert (np.diff(report.entropies[unsure]) <= 0).all()
    assert report.entropies[unsure[-1]] >= np.sort(report.entropies)[-12]


def test_confidently_right_images_are_all_correct_by_loss_ascending(report):
    right = report.confidently_right
    assert (report.predictions[right] == report.labels[right]).all()
    assert (np.diff(report.losses[right]) >= 0).all()
    assert report.losses[right[0]] == report.losses.min()


def test_the_default_image_is_a_correctly_classified_8_with_a_middling_loss(report):
    i = report.default_index
    assert report.labels[i] == 8 and report.predictions[i] == 8
    right_eights = report.losses[(report.labels == 8) & (report.predictions == 8)]
    assert report.losses[i] == np.sort(right_eights)[(len(right_eights) - 1) // 2]


def test_indices_of_a_digit_are_its_50_held_out_images(report):
    threes = report.indices_of_digit(3)
    assert len(threes) == 50 and (report.labels[threes] == 3).all()
    assert (np.diff(threes) > 0).all()


def test_the_images_travel_with_their_logits(report):
    digits = load_digits()
    np.testing.assert_array_equal(report.images, digits.test_images)
    np.testing.assert_allclose(report.logits, load_model().logits(digits.test_x))


# --------------------------------------------------------------- the building blocks


def test_a_small_confusion_matrix_by_hand():
    np.testing.assert_array_equal(
        confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=3),
        [[1, 1, 0], [0, 1, 0], [1, 0, 2]],
    )


def test_a_confusion_matrix_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError):
        confusion_matrix([0, 3], [0, 1], n_classes=3)


def test_top_confusions_lists_the_largest_mistakes_first_and_skips_the_diagonal():
    counts = [[9, 2, 0], [0, 8, 5], [2, 0, 7]]
    assert top_confusions(counts, k=10) == [(1, 2, 5), (0, 1, 2), (2, 0, 2)]
    assert top_confusions(counts, k=1) == [(1, 2, 5)]
    assert top_confusions(np.eye(3) * 4) == []


def test_ranked_lists_by_hand():
    losses = np.array([0.1, 3.0, 0.01, 2.0, 0.5])
    labels = np.array([0, 1, 2, 0, 1])
    predictions = np.array([0, 2, 2, 1, 1])
    assert most_confidently_wrong(losses, labels, predictions).tolist() == [1, 3]
    assert confidently_right(losses, labels, predictions, k=2).tolist() == [2, 0]
    assert most_unsure(np.array([0.2, 1.0, 0.2, 0.7]), k=3).tolist() == [1, 3, 0]


def test_a_typical_correct_example_is_the_lower_median_of_the_correct_ones():
    losses = np.array([0.4, 0.1, 5.0, 0.3, 0.2])
    labels = np.array([8, 8, 8, 8, 3])
    predictions = np.array([8, 8, 1, 8, 3])
    assert typical_correct_example(losses, labels, predictions, digit=8) == 3  # 0.1, 0.3, 0.4
    with pytest.raises(ValueError, match="digit 5"):
        typical_correct_example(losses, labels, predictions, digit=5)


def test_the_loss_histogram_counts_every_loss_from_zero_to_the_largest():
    losses = np.array([0.0, 0.1, 0.2, 1.9, 2.0])
    counts, edges = loss_histogram(losses, n_bins=4)
    assert counts.tolist() == [3, 0, 0, 2]
    np.testing.assert_allclose(edges, [0, 0.5, 1.0, 1.5, 2.0])


@pytest.mark.parametrize("bad", [[], [0.1, np.nan], [np.inf]])
def test_the_loss_histogram_rejects_empty_or_non_finite_losses(bad):
    with pytest.raises(ValueError, match="finite"):
        loss_histogram(np.array(bad, dtype=float))


def test_the_mean_of_the_per_digit_means_is_the_overall_mean_on_a_balanced_set(report):
    means = mean_by_class(report.losses, report.labels)
    assert means.shape == (10,)
    assert means.mean() == pytest.approx(report.mean_loss, rel=1e-12)
    assert means[3] == pytest.approx(report.losses[report.labels == 3].mean())


def test_a_report_of_hand_made_logits():
    logits = np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 0.0]])
    small = report_from_logits(logits, [0, 1, 1], k=5)
    assert small.predictions.tolist() == [0, 1, 0]
    assert small.confusion.tolist() == [[1, 0], [1, 1]]
    assert small.most_confidently_wrong.tolist() == [2]
    assert small.mean_loss == pytest.approx(float(cross_entropy(logits, [0, 1, 1])))
    assert small.default_index == 0  # no correct 8 here: falls back to the first image


@pytest.mark.parametrize(
    ("logits", "labels"),
    [([[np.nan, 0.0]], [0]), ([[0.0, 1.0]], [2]), ([0.0, 1.0], [0]), ([[0.0, 1.0]], [0, 1])],
)
def test_a_report_rejects_bad_logits_or_labels(logits, labels):
    with pytest.raises(ValueError):
        report_from_logits(logits, labels)
