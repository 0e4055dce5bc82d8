// The browser side of ui/details.py: a section's text below the stage, as the HTML the server
// built (every learner's text escaped there). Loaded once per tab from static/ (ui/assets.py).
//
// Set only when it changed; a table scrolled sideways on a phone stays where it was.
export default function ({ data, parentElement }) {
  const root = parentElement.querySelector('.xent-details');
  root.classList.toggle('xd-large', Boolean(data.large));
  if (root.__html === data.html) return;
  const scrolled = [...root.querySelectorAll('.xd-scroll')].map((box) => box.scrollLeft);
  root.innerHTML = data.html;
  root.__html = data.html;
  root.querySelectorAll('.xd-scroll').forEach((box, i) => { box.scrollLeft = scrolled[i] || 0; });
}
