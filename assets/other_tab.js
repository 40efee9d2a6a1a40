// What the browser keeps for the app (Chat's conversations, Compare's log) is one copy shared by
// every tab of the app in this browser, and the last tab to change it wins. When another tab
// changes it, this one says so at the top of the page and offers a reload, before anything done
// here replaces what the other tab kept.
() => {
  const prefix = "finance-llm-workbench-";
  window.addEventListener("storage", (event) => {
    if (event.storageArea !== localStorage || event.key === null || !event.key.startsWith(prefix) ||
        document.getElementById("other-tab-notice") !== null) {
      return;
    }
    const notice = document.createElement("div");
    notice.id = "other-tab-notice";
    notice.setAttribute("role", "alert");
    notice.textContent = "The app is open in another tab of this browser, which has changed the conversations " +
      "and comparisons this browser keeps for it. Reload this tab to carry on with them; what is done here " +
      "first would replace them. ";
    const reload = document.createElement("button");
    reload.textContent = "Reload this tab";
    reload.addEventListener("click", () => window.location.reload());
    notice.appendChild(reload);
    document.body.prepend(notice);
  });
}
