// Places a move updates in place (ui/live.py): a chart or a details element that the page's
// full run draws, and that each move of the lesson fragment then redraws from the data the
// fragment's one moves element carries (ui/moves.js), found here by the place's key.
//
// Streamlit calls an element's drawing again with the data of its last message when the
// theme changes: a place then draws what the last move showed, not what the full run sent.
// A full run's data is always new (it carries the run's number), so it always wins.
const PLACES = (window.__xentPlaces ||= new Map());  // key -> { parentElement, shown, move }

function inPlace(component, draw) {
  const { data, parentElement } = component;
  if (!data.place) {
    draw(data, parentElement);
    return;
  }
  let place = PLACES.get(data.place);
  if (!place || place.parentElement !== parentElement) {
    place = { parentElement, sent: null, shown: null };
    PLACES.set(data.place, place);
  }
  if (place.sent !== data) {
    place.sent = data;
    place.shown = data;
  }
  place.move = (moved) => {
    place.shown = moved;
    draw(moved, parentElement);
  };
  draw(place.shown, parentElement);
}
