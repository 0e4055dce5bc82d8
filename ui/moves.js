// The browser side of ui/live.py's moves element: one per lesson fragment, invisible. Each
// move sends it the new data of every place the move changed (charts, details, the copy
// link), and it redraws each place in place (ui/places.js): one element a move, where every
// place was one element of its own and a block around it. A place not on the page just now
// (in a closed popover) keeps the data for when it is drawn. A move's address goes into the
// address bar in place of the current entry (ui/live.py: move_address).
function showAddress(address) {
  const search = address ? `?${address}` : '';
  if (window.location.search === search) return;
  const { pathname, hash } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}${hash}`);
}

export default function ({ data }) {
  if (typeof data.address === 'string') showAddress(data.address);
  const places = (window.__xentPlaces ||= new Map());
  Object.entries(data.places || {}).forEach(([key, moved]) => {
    let place = places.get(key);
    if (!place || place.drawn !== moved.drawn) {
      place = { drawn: moved.drawn };
      places.set(key, place);
    }
    place.shown = moved;
    if (place.parentElement?.isConnected) place.draw(moved, place.parentElement);
  });
}
