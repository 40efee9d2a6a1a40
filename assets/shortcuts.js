// Keyboard shortcuts for judging (Compare tab): 1-4 give the verdict of the button at that
// place (A/Left better, B/Right better, Tie, Both bad) and N opens the next experiment of a batch
// run to judge. Keys typed into a text box, a code editor or a menu are left alone, and only a
// button on screen is pressed: the batch's when its row details are open, else the Single tab's.
() => {
  const shown = (el) => el !== null && el.offsetParent !== null;
  const unwritten = ["checkbox", "radio", "button", "range"];  // inputs a key types nothing into
  const typing = (el) => el instanceof Element &&
    (el.closest("textarea, select, [contenteditable='true'], .cm-editor") !== null ||
     (el.tagName === "INPUT" && !unwritten.includes(el.type)));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) {
      return;
    }
    const key = event.key.toLowerCase();
    const ids = key === "n" ? ["batch-judge-next"]
      : ["1", "2", "3", "4"].includes(key) ? [`batch-verdict-${key - 1}`, `cmp-verdict-${key - 1}`] : [];
    const button = ids.map((id) => document.getElementById(id)).find(shown);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
}
