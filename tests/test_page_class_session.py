"""AppTest: predict-then-reveal cards on the lesson pages, the student's class box, the
teacher view. Each test gets its own SQLite file through ``XENT_CLASSROOM_URL``."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    charts,
    details_metrics,
    open_page,
    page_text,
    plotly_figures,
    share_link,
)
from sqlalchemy import func, select

from classroom import Classroom, UnknownSession, create_classroom_engine, sqlite_url
from classroom.checkpoints import for_lesson, get_checkpoint
from classroom.schema import answers, metadata, students
from ui.checkpoint import COVER_CSS, COVER_NOTE

P_FISH = get_checkpoint("five-classes/p-fish")
ARROW = get_checkpoint("five-classes/fish-arrow")
TEACHER_PAGE = "pages/teacher.py"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = sqlite_url(tmp_path / "classroom.sqlite3")
    monkeypatch.setenv("XENT_CLASSROOM_URL", url)
    return url


@pytest.fixture
def room(db_url):
    engine = create_classroom_engine(db_url)
    yield Classroom(engine)
    engine.dispose()


def plain(text: str) -> str:
    """Markdown-escaped text as the reader sees it."""
    return text.replace("\\", "")


def card_key(checkpoint_id: str, part: str) -> str:
    return f"predict.{checkpoint_id}.{part}"


def open_lesson(page: str, lesson: str):
    """Open a lesson page and unfold its predict-then-reveal questions."""
    at = open_page(page)
    assert not at.get("form"), "the cards are built only once the expander is open"
    at.session_state[f"predict.{lesson}.open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def guess_and_reveal(at, checkpoint_id: str, guess):
    widget = card_key(checkpoint_id, "guess")
    if isinstance(guess, str):
        at.radio(key=widget).set_value(guess)
    else:
        at.number_input(key=widget).set_value(guess)
    at.button(key=card_key(checkpoint_id, "submit")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ------------------------------------------------------------------- checkpoints on pages


def test_a_checkpoint_hides_the_answer_until_the_guess_then_scores_it_against_the_core():
    at = open_lesson("pages/2_five_classes.py", "five-classes")
    assert at.expander[0].label.endswith(
        "Predict, then reveal: 5 questions on this lesson's example (guess before you look below)")
    answer = P_FISH.true_answer()
    assert "Answer:" not in page_text(at)
    guess_and_reveal(at, P_FISH.id, 0.5)
    text = page_text(at)
    assert f"Answer: {answer:.2f}" in plain(text)
    expected = P_FISH.score(0.5).describe(P_FISH.digits)
    assert expected == f"Your 0.50 is {answer - 0.5:.2f} below the answer, 0.90 (outside the " \
                       "tolerance)."
    assert [plain(w.value) for w in at.warning] == [expected]
    assert f"Why: {P_FISH.why}" in text
    # the other cards still hide their answers
    assert text.count("Answer:") == 1


def test_a_close_guess_is_praised_and_a_choice_is_scored():
    at = open_lesson("pages/2_five_classes.py", "five-classes")
    guess_and_reveal(at, P_FISH.id, 0.88)
    assert [plain(s.value) for s in at.success] == [
        P_FISH.score(0.88).describe(P_FISH.digits)]
    guess_and_reveal(at, ARROW.id, "down")
    assert "You picked “down”; the answer is “up”." in [plain(w.value) for w in at.warning]


def test_an_empty_guess_gets_a_message_and_no_reveal():
    at = open_lesson("pages/2_five_classes.py", "five-classes")
    at.button(key=card_key(P_FISH.id, "submit")).click().run()
    assert [e.value for e in at.error] == ["Type a number as your guess\\."]
    assert "Answer:" not in page_text(at)


def test_guess_again_hides_the_answer():
    at = open_lesson("pages/1_cat_vs_dog.py", "cat-vs-dog")
    guess_and_reveal(at, "cat-vs-dog/coin-flip", 0.3)
    assert "Answer: 0.30" in plain(page_text(at))
    at.button(key=card_key("cat-vs-dog/coin-flip", "again")).click().run()
    assert "Answer:" not in page_text(at)
    assert at.number_input(key=card_key("cat-vs-dog/coin-flip", "guess")).value is None


@pytest.mark.parametrize("page, lesson", [
    ("pages/1_cat_vs_dog.py", "cat-vs-dog"), ("pages/2_five_classes.py", "five-classes"),
    ("pages/3_pytorch_batch.py", "pytorch-batch"), ("pages/4_mnist.py", "mnist-digits"),
    ("pages/5_why_not_mse.py", "why-not-mse"),
    ("pages/6_sigmoid_or_softmax.py", "sigmoid-or-softmax"),
    ("pages/7_overflow.py", "numbers-that-overflow"), ("pages/8_soft_labels.py", "soft-labels")])
def test_every_lesson_page_asks_its_checkpoints_in_order(page, lesson):
    at = open_lesson(page, lesson)
    checkpoints = for_lesson(lesson)
    assert f"Predict, then reveal: {len(checkpoints)} questions" in at.expander[0].label
    asked = [m.value for m in at.markdown if m.value.startswith("**Predict ")]
    assert [plain(q).split(".** ", 1)[1] for q in asked] == [c.question for c in checkpoints]


def test_a_card_on_the_overflow_page_hides_reveals_and_scores_against_the_core():
    at = open_lesson("pages/7_overflow.py", "numbers-that-overflow")
    threshold = get_checkpoint("numbers-that-overflow/float16-threshold")
    by_hand = get_checkpoint("numbers-that-overflow/by-hand")
    assert threshold.true_answer() == pytest.approx(11.0899, abs=1e-4)  # ln 65504
    assert "Answer:" not in page_text(at)
    guess_and_reveal(at, threshold.id, 11.0)
    text = plain(page_text(at))
    assert "Answer: 11.09" in text and f"Why: {threshold.why}" in page_text(at)
    assert [plain(s.value) for s in at.success] == [
        "Your 11.00 is 0.09 below the answer, 11.09 (close enough)."]
    assert text.count("Answer:") == 1  # the other cards still hide theirs
    guess_and_reveal(at, by_hand.id, "∞")
    assert "You picked “∞”; the answer is “NaN”." in [plain(w.value) for w in at.warning]
    assert "Answer: NaN" in plain(page_text(at))
    # the page's own numbers are still drawn below the cards
    assert not at.exception and charts(at)


def covered(at) -> bool:
    """Is the lesson below its questions blurred (the cover's style on the page, its note
    shown)?"""
    styled = any(COVER_CSS.strip() in element.proto.body for element in at.get("html"))
    noted = any(c.value == COVER_NOTE for c in at.caption)
    assert styled == noted, (styled, noted)
    return styled


def test_the_lesson_is_covered_until_every_guess_is_locked_in():
    at = open_page("pages/1_cat_vs_dog.py")
    assert not covered(at)  # questions folded: the lesson is in plain view
    at.session_state["predict.cat-vs-dog.open"] = True
    at.run()
    assert covered(at)
    checkpoints = for_lesson("cat-vs-dog")
    for checkpoint in checkpoints[:-1]:
        guess_and_reveal(at, checkpoint.id, checkpoint.choices[0] if checkpoint.kind ==
                         "choice" else 0.5)
        assert covered(at), f"uncovered with {checkpoint.id} answered but not all"
    last = checkpoints[-1]
    guess_and_reveal(at, last.id, last.choices[0] if last.kind == "choice" else 0.5)
    assert not covered(at)
    assert charts(at) and "Loss: the mean over the rows" in details_metrics(at), (
        "the lesson itself is still drawn")
    at.button(key=card_key(last.id, "again")).click().run()
    assert covered(at)
    at.session_state["predict.cat-vs-dog.open"] = False
    at.run()
    assert not covered(at)


def test_the_checkpoints_can_be_turned_off_for_free_exploration():
    at = open_page("pages/2_five_classes.py")
    at.toggle(key="predict.on").set_value(False).run()
    assert not any("Predict, then reveal" in e.label for e in at.expander)


# ------------------------------------------------------------------- the student's box


def test_a_student_joins_from_the_link_answers_and_sees_the_reveal(room: Classroom):
    new = room.start_session("Tuesday")
    room.ask(new.code, new.teacher_key, P_FISH.spec())
    at = open_page(None, query_params={"class": new.code.lower()})  # the box opens itself
    assert at.text_input(key="class.join_code").value == new.code.lower()
    at.text_input(key="class.join_nickname").set_value("<b>Ada</b>")
    at.button(key="class.join_button").click().run()
    assert "You are <b>Ada</b>.  Tuesday" in [t.value for t in at.text]
    assert P_FISH.question in plain(page_text(at))
    links = [link.proto.label for link in at.get("page_link")]
    assert "Open the lesson: 2 · Five classes" in links
    widget = f"class.guess.{P_FISH.id}"
    at.number_input(key=widget).set_value(0.85)
    at.button(key=f"{widget}.send").click().run()
    results = room.results(new.code, new.teacher_key, P_FISH.id)
    assert results.numbers == (0.85,)
    assert "Sent: 0.85." in page_text(at)
    room.reveal(new.code, new.teacher_key, P_FISH.id)
    at.run()
    assert "Answer: 0.90" in page_text(at)
    assert [plain(s.value) for s in at.success] == [P_FISH.score(0.85).describe(P_FISH.digits)]


def test_a_wrong_code_is_explained_and_nobody_joins(room: Classroom):
    at = open_page(None)
    assert not at.get("form")  # the join box is built only once it is opened
    at.session_state["class.join_open"] = True
    at.run()
    at.text_input(key="class.join_code").set_value("<img src=x onerror=alert(1)>")
    at.button(key="class.join_button").click().run()
    assert "6 letters and digits" in at.error[0].value
    assert "\\<img src\\=x" in at.error[0].value  # escaped: shown as text, never as HTML
    at.text_input(key="class.join_code").set_value("ZZZZZZ")
    at.button(key="class.join_button").click().run()
    assert "No class has the code ZZZZZZ" in at.error[0].value
    with room.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(students)).scalar_one() == 0


# ------------------------------------------------------------------- the teacher view


def open_teacher(code: str, key: str):
    at = open_page(TEACHER_PAGE)
    at.text_input(key="teacher.open_code").set_value(code)
    at.text_input(key="teacher.open_key").set_value(key)
    at.button(key="teacher.open_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def histogram(at) -> dict:
    return plotly_figures(at)[-1]


def test_the_teacher_view_pools_the_class_guesses_and_reveals(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH.spec())
    guesses = {"Ada": 0.9, "<i>Bo</i>": 0.88, "Cy": 0.5}
    for name, guess in guesses.items():
        room.answer(room.join(new.code, name), P_FISH.id, guess)
    room.join(new.code, None)  # joined, did not answer

    at = open_teacher(new.code, new.teacher_key)
    assert f"Class code: `{new.code}`" in page_text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Answered": "3 of 4", "Within tolerance": "–", "Answer": "hidden"}
    bars = histogram(at)["data"][0]
    assert sum(bars["y"]) == 3
    assert "shapes" not in histogram(at)["layout"]  # no answer line before the reveal
    assert "Ada, <i>Bo</i>, Cy, anonymous" in [t.value for t in at.text]

    at.button(key="teacher.reveal").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Answered": "3 of 4", "Within tolerance": "67%", "Answer": "0.90"}
    line = histogram(at)["layout"]["shapes"][1]
    assert line["x0"] == pytest.approx(P_FISH.true_answer())
    assert room.session_info(new.code).current.revealed


def test_the_teacher_starts_a_session_asks_and_exports(room: Classroom):
    at = open_page(TEACHER_PAGE)
    assert at.sidebar.radio[0].key == "shell.base"  # inside the app's shell, not run alone
    at.text_input(key="teacher.title").set_value("Tuesday")
    at.button(key="teacher.start_button").click().run()
    code = next(t for t in page_text(at).splitlines() if "Class code" in t).split("`")[1]
    assert room.session_info(code).title == "Tuesday"
    assert f"?class={code}" in at.code[0].value
    ask_button = next(b for b in at.button if "Ask the class" in b.label)
    ask_button.click().run()
    assert room.session_info(code).current.checkpoint_id == "cat-vs-dog/coin-flip"
    download = at.get("download_button")[0]
    assert download.proto.label.endswith("Download every answer (CSV)")


def test_a_guessed_teacher_key_opens_nothing(room: Classroom):
    new = room.start_session()
    student = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH.spec())
    room.answer(student, P_FISH.id, 0.7)
    at = open_teacher(new.code, "letmein")
    assert f"That teacher key does not open class {new.code}." in plain(at.error[0].value)
    assert not at.metric and not charts(at)
    assert not room.session_info(new.code).current.revealed
    with room.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(answers)).scalar_one() == 1


def test_the_teacher_view_runs_on_postgresql_through_st_connection(postgres_url, monkeypatch):
    engine = create_classroom_engine(postgres_url)
    metadata.drop_all(engine)
    room = Classroom(engine)
    monkeypatch.setenv("XENT_CLASSROOM_URL", postgres_url)
    new = room.start_session()
    room.ask(new.code, new.teacher_key, ARROW.spec())
    for name, guess in {"Ada": "up", "Bo": "down", "Cy": "up"}.items():
        room.answer(room.join(new.code, name), ARROW.id, guess)
    at = open_teacher(new.code, new.teacher_key)
    assert {m.label: m.value for m in at.metric}["Answered"] == "3 of 3"
    assert histogram(at)["data"][0]["y"] == [2, 1, 0]
    at.button(key="teacher.reveal").click().run()
    assert {m.label: m.value for m in at.metric}["Right"] == "67%"
    engine.dispose()


def test_a_student_sending_no_guess_is_told_and_nothing_is_stored(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, ARROW.spec())
    at = open_page(None, query_params={"class": new.code})
    at.button(key="class.join_button").click().run()  # anonymous
    assert "You are anonymous." in [t.value for t in at.text]
    at.button(key=f"class.guess.{ARROW.id}.send").click().run()
    assert plain(at.error[0].value).startswith("Pick one of the answers offered: 'up'")
    assert room.results(new.code, new.teacher_key, ARROW.id).n_answered == 0
    at.radio(key=f"class.guess.{ARROW.id}").set_value("down")
    at.button(key=f"class.guess.{ARROW.id}.send").click().run()
    assert not at.error
    assert room.results(new.code, new.teacher_key, ARROW.id).choices == ("down",)


def test_the_teacher_deletes_the_session_after_confirming(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH.spec())
    room.answer(room.join(new.code, "Ada"), P_FISH.id, 0.9)
    at = open_teacher(new.code, new.teacher_key)
    delete = next(b for b in at.button if "Delete this session" in b.label)
    assert delete.disabled  # nothing happens without the confirmation box
    at.checkbox(key="teacher.delete_sure").check().run()
    next(b for b in at.button if "Delete this session" in b.label).click().run()
    assert f"Class {new.code} and all its answers were deleted." in [s.value for s in at.success]
    with pytest.raises(UnknownSession):
        room.session_info(new.code)
    with room.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(answers)).scalar_one() == 0


# ------------------------------------------------------------- a reload keeps the seat


def copy_links(at) -> list[str]:
    """The page's copy link (a details code place, :func:`share_link`), as a list."""
    return [link for link in [share_link(at)] if link.startswith("http")]


def test_a_reload_keeps_the_students_seat_and_no_copy_link_carries_it(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH.spec())
    at = open_page(None, query_params={"class": new.code})
    at.text_input(key="class.join_nickname").set_value("Ada")
    at.button(key="class.join_button").click().run()
    widget = f"class.guess.{P_FISH.id}"
    at.number_input(key=widget).set_value(0.85)
    at.button(key=f"{widget}.send").click().run()
    seat = at.query_params["seat"]
    assert at.query_params["class"] == new.code
    seat_id, key = seat.split(".", 1)
    assert seat_id.isdigit() and len(key) >= 24  # the seat and its secret key

    at.switch_page("pages/2_five_classes.py").run()  # the seat follows to every page ...
    assert at.query_params["seat"] == seat
    links = copy_links(at)
    assert links and all("seat" not in link and key not in link for link in links)  # ... not
    assert all("class=" not in link for link in links)  # into the link a student shares
    at.button(key="class.leave").click().run()  # leaving is not undone by the address
    assert not any(t.value.startswith("You are") for t in at.text)
    assert "seat" not in at.query_params

    reloaded = open_page("pages/2_five_classes.py",
                         query_params={"class": new.code, "seat": seat})
    assert "You are Ada." in [t.value for t in reloaded.text]
    assert "Sent: 0.85." in page_text(reloaded)  # the guess already sent is shown again
    assert reloaded.query_params["seat"] == seat
    assert room.roster(new.code, new.teacher_key) == ["Ada"]  # the same seat, no new one
    reloaded.number_input(key=widget).set_value(0.9)
    reloaded.button(key=f"{widget}.send").click().run()
    assert room.results(new.code, new.teacher_key, P_FISH.id).numbers == (0.9,)

    reloaded.button(key="class.leave").click().run()
    assert "seat" not in reloaded.query_params and "class" not in reloaded.query_params


@pytest.mark.parametrize("forge", ["key", "id", "class", "garbage"])
def test_a_forged_seat_in_the_address_is_refused(room: Classroom, forge: str):
    new, other = room.start_session(), room.start_session()
    ada = room.join(new.code, "Ada")
    stranger = room.join(other.code, "Bo")
    seat, code = {
        "key": (f"{ada.id}.{'x' * 24}", new.code),  # Ada's seat number, a guessed key
        "id": (f"{stranger.id}.{ada.key}", new.code),  # Ada's key on another seat
        "class": (stranger.seat, new.code),  # a real seat of another class
        "garbage": ("<b>1</b>.'; DROP TABLE students; --", new.code),
    }[forge]
    at = open_page(None, query_params={"class": code, "seat": seat})
    assert not any(t.value.startswith("You are") for t in at.text)
    assert [plain(w.value) for w in at.warning] == [
        f"You are not in class {new.code} any more; join again with the code."
        if forge != "garbage" else
        "That link's seat is not one of this class's; join again with the code."]
    assert "seat" not in at.query_params  # the refused seat leaves the address
    assert at.text_input(key="class.join_code").value == new.code  # joining is one click away
    assert room.roster(new.code, new.teacher_key) == ["Ada"]
