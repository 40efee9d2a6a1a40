// A copy button copies a model's text as the model wrote it. Gradio's copies the Markdown a box
// shows: in Chat that is the Thinking block's title and reasoning, then the answer with the figures
// the other answer does not state wrapped in <mark>, its language mark, the route and the figures
// line under it in HTML. Where a message or a box holds a hidden `.copy-text` block
// (ui.common.copied_as: the text in its title), a click on a copy button beside it or in it makes
// the clipboard receive that text instead. Gradio writes the clipboard in the click's own task,
// through navigator.clipboard or, on a page served over plain http, a "copy" command: both are
// answered here, and what the click picked is dropped once the task ends.
() => {
  let picked = null;
  const held = (button) => {
    const panel = button.closest(".message-buttons");  // a chat message's buttons, below it
    const scope = panel !== null ? panel.previousElementSibling : button.closest("[data-testid='markdown']");
    const texts = scope === null ? [] : scope.querySelectorAll(".copy-text[title]");
    return texts.length > 0 ? texts[texts.length - 1].title : null;
  };
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    picked = button === null ? null : held(button);
    if (picked !== null) setTimeout(() => { picked = null; }, 0);
  }, true);
  const clipboard = navigator.clipboard;
  if (clipboard !== undefined && typeof clipboard.writeText === "function") {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(picked !== null ? picked : text);
  }
  document.addEventListener("copy", (event) => {
    if (picked === null || event.clipboardData === null) return;
    event.clipboardData.setData("text/plain", picked);
    event.preventDefault();
  }, true);
}
