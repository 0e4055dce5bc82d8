"""The teacher's charts: pure figure builders, checked without a browser."""

from __future__ import annotations

import pytest

from ui.class_figures import choice_bars, guess_bins, guess_histogram


def test_every_guess_is_counted_once_in_bins_one_tolerance_wide():
    guesses = [0.3, 0.31, 0.5, 0.29, 0.9]
    figure = guess_histogram(guesses, answer=None, tolerance=0.05)
    bars = figure.data[0]
    assert sum(bars.y) == len(guesses)
    assert bars.width[0] == pytest.approx(0.05 * 0.95)
    assert not figure.layout.shapes  # nothing gives the answer away before the reveal


def test_the_revealed_answer_is_a_line_inside_its_tolerance_band():
    figure = guess_histogram([0.8, 0.95], answer=0.9, tolerance=0.05, answer_text="0.90")
    band, line = figure.layout.shapes
    assert (band.x0, band.x1) == pytest.approx((0.85, 0.95))
    assert line.x0 == line.x1 == 0.9
    assert figure.layout.annotations[0].text == "answer 0.90"


def test_bins_cover_far_out_guesses_with_at_most_twenty_one_bins():
    edges = guess_bins([-1000.0, 12.0, 1000.0], answer=12.14, tolerance=1.0)
    assert edges[0] <= -1000 and edges[-1] >= 1000 and len(edges) - 1 <= 22


def test_choice_bars_count_each_choice_and_colour_the_answer_after_the_reveal():
    counts = {"up": 2, "down": 1, "it does not move": 0}
    hidden, shown = choice_bars(counts, None), choice_bars(counts, "up")
    assert list(hidden.data[0].y) == [2, 1, 0]
    assert len(set(hidden.data[0].marker.color)) == 1
    assert shown.data[0].marker.color[0] != shown.data[0].marker.color[1]
