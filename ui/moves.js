// The browser side of ui/live.py's moves element: one per lesson fragment, invisible. Each
// move sends it the new data of every place the move changed (charts, details, the copy
// link), and it redraws each place in place (ui/places.js): one element a move, where every
// place was one element of its own and a block around it.
export default function ({ data }) {
  const places = window.__xentPlaces;
  if (!places) return;
  Object.entries(data.places || {}).forEach(([key, moved]) => {
    const place = places.get(key);
    if (place && place.parentElement.isConnected) place.move(moved);
  });
}
