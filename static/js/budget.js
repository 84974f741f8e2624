// Budget step: rows added in place, a running total, and a warning when the amount asked
// differs from what the budget needs. Without this file, "Lägg till rad" asks the server
// for the same page with one more row, and the review page shows the total and warning.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-budget]");
  if (!form) {
    return;
  }
  const rows = form.querySelector("[data-budget-rows]");
  const template = form.querySelector("template[data-budget-template]");
  const addButton = form.querySelector("[data-budget-add]");
  const totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
  const maxForms = form.querySelector("input[name$='-MAX_NUM_FORMS']");
  const totalOut = form.querySelector("[data-budget-total]");
  const gapOut = form.querySelector("[data-budget-gap]");
  const locale = document.documentElement.lang || "sv";
  const formatKr = (amount) => `${new Intl.NumberFormat(locale).format(amount)}\u00a0kr`;
  // The sentences come from the page, translated there; [summa], [sökt] and [behövs] are filled in.
  const totalText = (sum) => totalOut.dataset.text.replace("[summa]", formatKr(sum));
  const gapText = (asked, needed) =>
    gapOut.dataset.text.replace("[sökt]", formatKr(asked)).replace("[behövs]", formatKr(needed));

  // "12 500", "12 500 kr", "12500:-" -> 12500; anything else -> null (the server says why).
  const amount = (input) => {
    if (!input) {
      return null;
    }
    const text = input.value.replace(/[\s\u00a0\u202f]/g, "").toLowerCase().replace(/(kr|:-)$/, "");
    if (text === "") {
      return 0;
    }
    return /^\d+$/.test(text) ? Number(text) : null;
  };

  const update = () => {
    let sum = 0;
    for (const line of rows.querySelectorAll("[data-budget-line]")) {
      const remove = line.querySelector("input[name$='-DELETE']");
      if (remove && remove.checked) {
        continue;
      }
      const value = amount(line.querySelector("input[name$='-amount']"));
      sum += value || 0;
    }
    totalOut.hidden = false;
    totalOut.textContent = totalText(sum);
    const asked = amount(form.querySelector("input[name='amount_requested']"));
    const own = amount(form.querySelector("input[name='own_contribution']")) || 0;
    const other = amount(form.querySelector("input[name='other_funding']")) || 0;
    const needed = sum - own - other;
    const differs = asked !== null && asked > 0 && sum > 0 && asked !== needed;
    gapOut.hidden = !differs;
    gapOut.textContent = differs ? gapText(asked, needed) : "";
  };

  addButton.addEventListener("click", (event) => {
    const count = Number(totalForms.value);
    if (maxForms && count >= Number(maxForms.value)) {
      return; // Let the server say that there are too many rows.
    }
    event.preventDefault();
    const html = template.innerHTML.replace(/__prefix__/g, String(count)).replace(/__number__/g, String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(count + 1);
    const added = rows.lastElementChild.querySelector("input[type='text'], input:not([type='hidden'])");
    if (added) {
      added.focus();
    }
    update();
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
});
