"""Train the bundled softmax regression and store it in ``xent_core/data/mnist_model.npz``.

Usage (from the repository root, with the project's virtual environment)::

    .venv/bin/python scripts/train_mnist.py

Trains :func:`xent_core.mnist.train_softmax_regression` on the training split of
``xent_core/data/mnist_digits.npz`` with the module's default hyperparameters, prints the
held-out accuracy and mean held-out cross-entropy, and saves the weights as float32 (about
30 kB) together with the hyperparameters and the per-epoch training loss. Training is
deterministic, so running this twice writes byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from xent_core import mnist  # noqa: E402  (needs the sys.path line above)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=mnist.DEFAULT_EPOCHS)
    parser.add_argument("--lr", type=float, default=mnist.DEFAULT_LR)
    parser.add_argument("--batch-size", type=int, default=mnist.DEFAULT_BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=mnist.DEFAULT_SEED)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--output", type=Path, default=mnist.MODEL_PATH)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    digits = mnist.load_digits()
    start = time.perf_counter()
    model, history = mnist.train_softmax_regression(
        digits.train_x,
        digits.train_y,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        weight_decay=args.weight_decay,
    )
    seconds = time.perf_counter() - start
    mnist.save_model(
        model,
        args.output,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        weight_decay=args.weight_decay,
        train_loss=history,
    )
    stored = mnist.load_model(args.output)
    print(f"trained on {digits.n_train} images in {seconds:.2f} s ({args.epochs} epochs)")
    print(f"training loss: {history[0]:.4f} -> {history[-1]:.4f} nats")
    print(f"held-out accuracy: {stored.accuracy(digits.test_x, digits.test_y):.3f}")
    print(f"mean held-out loss: {stored.loss(digits.test_x, digits.test_y):.4f} nats")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
