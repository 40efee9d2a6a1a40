// A copy button copies a model's text as the model wrote it. Gradio's copies the Markdown a box
// shows: in Chat that is the Thinking block's title and reasoning, then the answer with the figures
// the other answer does not state wrapped in <mark>, its language mark, the route and the figures
// line under it in HTML. Where a message or a box holds a hidden `.copy-text` block
// (ui.common.copied_as: the text in its title), a click on a copy button beside it or in it makes
// the clipboard receive that text instead. A question's copy button gives back the "<" the
// question is held with as an entity (a hidden block in a question would show in its edit box).
// Gradio writes the clipboard in the click's own task, through navigator.clipboard or, on a page
// served over plain http, a "copy" command: both are answered here, and what the click picked is
// dropped once the task ends.
() => {
  let copying = null;  // the copy button just clicked: from what Gradio would copy, what is copied
  const asWritten = (button) => {
    const panel = button.closest(".message-buttons");  // a chat message's buttons, below it
    const scope = panel !== null ? panel.previousElementSibling : button.closest("[data-testid='markdown']");
    if (scope === null) return null;
    const texts = scope.querySelectorAll(".copy-text[title]");
    if (texts.length > 0) {
      const held = texts[texts.length - 1].title;
      return () => held;
    }
    if (scope.classList.contains("user-row")) {  // a question, as workbench.safety.safe_markdown holds it
      return (text) => text.replace(/&lt;/g, "<").replace(/!\\\[/g, "![");
    }
    return null;
  };
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    copying = button === null ? null : asWritten(button);
    if (copying !== null) setTimeout(() => { copying = null; }, 0);
  }, true);
  const clipboard = navigator.clipboard;
  if (clipboard !== undefined && typeof clipboard.writeText === "function") {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(copying !== null ? copying(String(text)) : text);
  }
  document.addEventListener("copy", (event) => {
    if (copying === null || event.clipboardData === null) return;
    const selected = event.target instanceof HTMLTextAreaElement ? event.target.value : "";
    event.clipboardData.setData("text/plain", copying(selected));
    event.preventDefault();
  }, true);
}
