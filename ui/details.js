// The browser side of ui/details.py: a section's text below the stage, as the HTML the server
// built (every learner's text escaped there). Loaded once per tab from static/ (ui/assets.py).
//
// Set only when it changed. A table a learner scrolled sideways (on a phone) stays where it
// was: the scroll events keep its place, since reading scrollLeft on every move would make
// the browser lay out the page there and then (measured: 7 ms a move).
export default function ({ data, parentElement }) {
  const root = parentElement.querySelector('.xent-details');
  if (!root.__scrolled) {
    root.__scrolled = [];
    root.addEventListener('scroll', (event) => {
      const boxes = [...root.querySelectorAll('.xd-scroll')];
      if (boxes.includes(event.target)) {
        root.__scrolled[boxes.indexOf(event.target)] = event.target.scrollLeft;
      }
    }, true);  // scroll events do not bubble: caught on their way down
  }
  root.classList.toggle('xd-large', Boolean(data.large));
  if (root.__html === data.html) return;
  root.innerHTML = data.html;
  root.__html = data.html;
  if (root.__scrolled.some(Boolean)) {
    root.querySelectorAll('.xd-scroll').forEach((box, i) => {
      box.scrollLeft = root.__scrolled[i] || 0;
    });
  }
}
