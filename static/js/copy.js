// The copy button next to a calendar address. Without JavaScript the button stays hidden
// and the address sits in a read-only field that selects in one click.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll(".copy-field")) {
    const source = field.querySelector("[data-copy-source]");
    const button = field.querySelector("[data-copy-button]");
    const status = field.querySelector("[data-copy-status]");
    if (!source || !button) {
      continue;
    }
    source.addEventListener("focus", () => source.select());
    if (!navigator.clipboard) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        status.textContent = button.dataset.copiedText;
      } catch {
        // Copying can be refused (permissions): the field is selected so Ctrl+C works.
        source.focus();
      }
    });
  }
});
