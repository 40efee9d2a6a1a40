// Mends for Gradio's own markup that screen readers and keyboards stumble on (axe-core finds
// them; tests/ui/test_browser_accessibility.py keeps the page clear of its findings):
// - the arrow inside a Thinking block's title is a second, nameless button inside the title,
//   itself a button: it is made inert, out of the tab order and of what screen readers read (the
//   title still opens and folds the block, by a click anywhere on it or by Enter), and the title
//   says whether the block is open (aria-expanded);
// - a table's filter box is named by a tooltip alone: its text names it too;
// - an empty chart's placeholder carries a name without a role that may have one;
// - the footer's settings icon repeats the word beside it;
// - a reasoning's or an answer's copy button (Compare, a batch row) is named "Copy conversation".
// Rendering adds these elements at any time (a streamed answer, a tab opened), so every change to
// the page is looked at, once per animation frame at most.
() => {
  const COPY_NAMES = [[".copyable-answer", "Copy the answer"], [".copyable-reasoning", "Copy the reasoning"]];
  const mend = () => {
    for (const title of document.querySelectorAll(".thought-group > .title[role='button']")) {
      const open = String(title.classList.contains("expanded"));
      if (title.getAttribute("aria-expanded") !== open) title.setAttribute("aria-expanded", open);
      const arrow = title.querySelector(".icon-button:not([inert])");
      if (arrow !== null) arrow.inert = true;  // a click on it reaches the title beneath
    }
    for (const filter of document.querySelectorAll("input.search-input[title]:not([aria-label])")) {
      filter.setAttribute("aria-label", filter.getAttribute("title"));
    }
    for (const empty of document.querySelectorAll(".empty[aria-label]:not([role])")) {
      empty.setAttribute("role", "img");
    }
    for (const icon of document.querySelectorAll("footer button img[alt]:not([alt=''])")) {
      icon.setAttribute("alt", "");
    }
    for (const [box, name] of COPY_NAMES) {
      for (const copy of document.querySelectorAll(`${box} [data-testid='markdown'] > .icon-button-wrapper button`)) {
        if (copy.getAttribute("aria-label") !== name) {
          copy.setAttribute("aria-label", name);
          copy.setAttribute("title", name);
        }
      }
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => { queued = false; mend(); });
    }
  }).observe(document.body, { childList: true, subtree: true });
  mend();
}
