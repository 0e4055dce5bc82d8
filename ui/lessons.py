"""The list of lesson pages: the navigation, the home page, the tests and the benchmarks read it.

One :class:`Lesson` per page, in the order a learner follows them. Adding a lesson is one
entry here, one script in ``pages/``, its core function in ``xent_core.lessons`` and its tests.

**Why the url_paths look the way they do.** Streamlit 1.67 still has its legacy ("v1")
multipage mode. A server decides once, when its first session starts, whether the app uses
it: it does when a folder named ``pages`` sits beside the main script, which is our layout.
In that mode the first script run of the process does not run ``app.py`` straight away: it
builds a navigation from ``pages/*.py``, naming each page after its file name (``pages/
2_five_classes.py`` → ``five_classes``, the number prefix dropped, see
:func:`legacy_page_name`), and looks the requested URL path up among those names. Then:

- a path **equal** to a legacy name runs that page file on its own, without ``app.py``
  (no sidebar, no URL state) — so no ``url_path`` may equal one (:func:`url_path_problems`);
- any other path ends in a "Page not found" dialog before ``app.py``'s own
  ``st.navigation`` finds the lesson. That is why ``app.py`` serves a first request itself
  once at start-up: ``scripts/run.sh`` (``make run``) and the test server ask Streamlit's
  ``/_stcore/script-health-check`` as soon as the server is up (``scripts/warm_up.py``), and
  that first run of ``app.py`` calls ``st.navigation``, which switches legacy mode off for
  the whole process before any learner's request arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES_DIR = ROOT / "pages"

# Streamlit's own routes and the paths a browser asks for by itself.
RESERVED_PATHS = frozenset({"", "_stcore", "static", "media", "app", "component", "favicon.ico",
                            "robots.txt", "healthz", "vendor"})


@dataclass(frozen=True)
class Lesson:
    """One page of the app, as the navigation and the home page show it."""

    file: str  # the script, relative to the repository root: "pages/2_five_classes.py"
    title: str  # "2 · Five classes"
    icon: str  # a Material icon, ":material/bar_chart:"
    url_path: str  # the link: http://host:port/<url_path>
    blurb: str  # one line for the home page's list of lessons
    order: int  # 0 for the home page, then 1, 2, ... in the order of the lessons


HOME = Lesson(
    "pages/home.py", "Start here", ":material/route:", "start",
    "The whole pipeline once, with real numbers.", 0,
)
LESSONS: tuple[Lesson, ...] = (
    Lesson("pages/1_cat_vs_dog.py", "1 · Cat vs dog", ":material/pets:", "cat-vs-dog",
           "The fast.ai spreadsheet: one-hot labels, confident-right vs confident-wrong rows, "
           "the “if” form as an index lookup, and the “screwy” losses of rows that don't sum "
           "to 1.", 1),
    Lesson("pages/2_five_classes.py", "2 · Five classes", ":material/bar_chart:",
           "five-classes",
           "Softmax by hand for cat, dog, plane, fish, building: output → exp → sum → "
           "softmax, the gradient p − one-hot, and gradient steps you can take yourself.", 2),
    Lesson("pages/3_pytorch_batch.py", "3 · The PyTorch batch", ":material/grid_on:",
           "pytorch-batch",
           "softmax([-9, 5, 10]), then softmax → log → nll_loss, log_softmax, and "
           "F.cross_entropy on a 3 × 5 batch: three routes, one number (≈ 1.031), plus the "
           "options PyTorch users meet.", 3),
    Lesson("pages/4_mnist.py", "4 · MNIST digits", ":material/draw:", "mnist-digits",
           "Real handwritten digits and a real model trained with this very loss: its logits, "
           "its confident mistakes, and the mean loss over a whole data set.", 4),
    Lesson("pages/5_why_not_mse.py", "5 · Why not MSE?", ":material/compare_arrows:",
           "why-not-mse",
           "Cross-entropy, MSE on the probabilities and the hinge loss on the same logits: "
           "values, gradients, a sweep from very wrong to very right, and a gradient-descent "
           "race. MSE's gradient goes flat exactly when the model is confidently wrong.", 5),
    Lesson("pages/6_sigmoid_or_softmax.py", "6 · Sigmoid or softmax?", ":material/call_split:",
           "sigmoid-or-softmax",
           "The same scores read as softmax + cross-entropy (one class is true) and as sigmoids "
           "+ binary cross-entropy (any set of labels), two classes where they meet, and why "
           "binary_cross_entropy_with_logits is the stable one.", 6),
    Lesson("pages/7_overflow.py", "7 · Numbers that overflow", ":material/all_inclusive:",
           "numbers-that-overflow",
           "Softmax by hand against the max-subtracted and log-sum-exp routes in float16, "
           "float32 and float64: drag the logits to where e^x becomes ∞, and see why "
           "log_softmax beats log(softmax).", 7),
    Lesson("pages/8_soft_labels.py", "8 · Soft labels and calibration", ":material/tune:",
           "soft-labels",
           "Cross-entropy against any target as entropy + KL, label smoothing's lowest "
           "reachable loss, temperature — and whether the MNIST model's confidence can be "
           "trusted (reliability, ECE, temperature scaling).", 8),
)
TEACH = Lesson(
    "pages/teacher.py", "Teach: class session", ":material/school:", "teach",
    "Run a predict-then-reveal session: students join with a code, guess, and see the answer "
    "when you reveal it.", 100,
)
PAGES: tuple[Lesson, ...] = (HOME, *LESSONS, TEACH)  # the navigation's order


def lesson(file: str) -> Lesson:
    """The registry entry of a page script (``"pages/2_five_classes.py"``)."""
    for page in PAGES:
        if page.file == file:
            return page
    raise KeyError(f"{file} is not in ui.lessons.PAGES")


# The same pattern Streamlit's source_util uses for pages/ file names: "2_five_classes.py".
_PAGE_FILENAME = re.compile(r"([0-9]*)[_ -]*(.*)\.py")


def legacy_page_name(file_name: str) -> str:
    """The URL name Streamlit's legacy ``pages/`` mode gives a script (``five_classes``).

    Mirrors ``streamlit.source_util.page_icon_and_name`` (tested against it).
    """
    match = _PAGE_FILENAME.search(Path(file_name).name)
    if match is None:
        return ""
    return re.sub(r"[_ ]+", "_", match.group(2)).strip() or match.group(1)


def url_path_problems(pages=PAGES, pages_dir: Path = PAGES_DIR) -> list[str]:
    """Why a url_path would misbehave: duplicated, reserved, nested, or equal to a legacy
    ``pages/`` name (case-insensitively, as a browser on a careless keyboard types it)."""
    problems = []
    legacy = {legacy_page_name(p.name).casefold(): p.name for p in pages_dir.glob("*.py")}
    seen: dict[str, str] = {}
    for page in pages:
        path = page.url_path
        folded = path.casefold()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", path):
            problems.append(f"{page.file}: url_path {path!r} must be lower-case words and "
                            "hyphens")
        if folded in RESERVED_PATHS:
            problems.append(f"{page.file}: url_path {path!r} is one of Streamlit's own routes")
        if folded in legacy:
            problems.append(f"{page.file}: url_path {path!r} is the legacy pages/ name of "
                            f"{legacy[folded]}, which would run that file without app.py")
        if folded in seen:
            problems.append(f"{page.file}: url_path {path!r} is also {seen[folded]}'s")
        seen[folded] = page.file
    return problems
