// The receipt's print button: shown only when this file runs, since it needs JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    const holder = button.closest("[hidden]");
    if (holder) {
      holder.hidden = false;
    }
    button.addEventListener("click", () => window.print());
  }
});
