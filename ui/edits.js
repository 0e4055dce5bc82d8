// The browser side of ui/edits.py that the rows of classes and the spreadsheet share. It is
// joined before each element's own script in static/ (ui/assets.py), so both call it.

// A value from the server replaces what an input shows, unless the learner is in the middle
// of it: an edit sent and not answered yet (`waiting`), or text typed and not committed in
// a focused box.
function showValue(input, text, waiting) {
  const typing = document.activeElement === input && input.value !== input.dataset.sent;
  if (waiting || typing) return;
  input.value = text;
  input.dataset.sent = text;
}
