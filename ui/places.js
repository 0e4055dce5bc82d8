// Places a move updates in place (ui/live.py): a chart or a details element that the page's
// full run draws, and that each move of the lesson fragment then redraws from the data the
// fragment's one moves element carries (ui/moves.js), found here by the place's key.
//
// Streamlit draws an element again with the data of its last message when the theme changes,
// and when it mounts it anew (a popover opened again): the place then draws what the last
// move showed. Data carries the stamp of the full run it follows (`drawn`): a new full run's
// data always wins over moves after an earlier one.
const PLACES = (window.__xentPlaces ||= new Map());  // key -> { drawn, shown, draw, parentElement }

function inPlace(component, draw) {
  const { data, parentElement } = component;
  if (!data.place) {
    draw(data, parentElement);
    return;
  }
  let place = PLACES.get(data.place);
  if (!place || place.drawn !== data.drawn) {
    place = { drawn: data.drawn, shown: data };
    PLACES.set(data.place, place);
  }
  place.draw = draw;
  place.parentElement = parentElement;
  draw(place.shown, parentElement);
}
