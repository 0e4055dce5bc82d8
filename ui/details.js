// The browser side of ui/details.py: a section's text below the stage, as the HTML the server
// built (every learner's text escaped there). Loaded once per tab from static/ (ui/assets.py).
//
// A code block's button copies its text: the Clipboard API where the page is a secure context
// (localhost, https), else the selection and execCommand (a class opening the teacher's
// http://192.168.x.y link); the button says "Copied" for a moment.
function copyCode(button) {
  const source = button.closest('.xd-code').querySelector('pre').textContent;
  const done = () => {
    button.setAttribute('aria-label', 'Copied');
    button.firstElementChild.textContent = 'check';
    setTimeout(() => {
      button.setAttribute('aria-label', 'Copy the code');
      button.firstElementChild.textContent = 'content_copy';
    }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source).then(done, () => {});
    return;
  }
  const area = document.createElement('textarea');
  area.value = source;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    if (document.execCommand('copy')) done();
  } finally {
    area.remove();
    button.focus();
  }
}

// Set only when it changed. A table a learner scrolled sideways (on a phone) stays where it
// was: the scroll events keep its place, since reading scrollLeft on every move would make
// the browser lay out the page there and then (measured: 7 ms a move).
export default function (component) {
  inPlace(component, drawDetails);
}

function drawDetails(data, parentElement) {
  const root = parentElement.querySelector('.xent-details');
  if (!root.__scrolled) {
    root.__scrolled = [];
    root.addEventListener('scroll', (event) => {
      const boxes = [...root.querySelectorAll('.xd-scroll')];
      if (boxes.includes(event.target)) {
        root.__scrolled[boxes.indexOf(event.target)] = event.target.scrollLeft;
      }
    }, true);  // scroll events do not bubble: caught on their way down
    root.addEventListener('click', (event) => {
      const button = event.target.closest('.xd-copy');
      if (button) copyCode(button);
    });
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
