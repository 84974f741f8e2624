// Small enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so that keyboard and screen-reader users hear it first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // The phone's menu drops over the page: it closes on Escape and once focus has left
  // it, so that it never hides the focused element (WCAG 2.2, 2.4.11).
  const menu = document.querySelector("details.menu");
  if (menu) {
    menu.addEventListener("focusout", (event) => {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
        menu.open = false;
      }
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  // A search box inside a larger form: Enter runs the search, not the form's main action
  // (which Enter does in every other box; without this script, here too).
  for (const input of document.querySelectorAll("input[data-enter-button]")) {
    input.addEventListener("keydown", (event) => {
      const button = document.getElementById(input.dataset.enterButton);
      if (event.key === "Enter" && !event.isComposing && button) {
        event.preventDefault();
        button.click();
      }
    });
  }
  // Stop a second submit of the same form (a double click) while the first is under way.
  for (const form of document.querySelectorAll("form[data-submit-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitted === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
    });
  }
});
