"use strict";
// Names for what the admin's widgets leave unnamed: the autocomplete boxes (named by their field's label and their
// value, whenever select2 builds them) and the empty header of a tabular inline's first column.
(() => {
  const nameAutocompletes = () => {
    for (const rendered of document.querySelectorAll(".select2-selection__rendered[id^='select2-']")) {
      const fieldId = rendered.id.replace(/^select2-/, "").replace(/-container$/, "");
      const label = document.querySelector(`label[for="${fieldId}"]`);
      if (!label || rendered.getAttribute("aria-labelledby")) continue;
      label.id ||= `${fieldId}-label`;
      const names = `${label.id} ${rendered.id}`;
      rendered.setAttribute("aria-labelledby", names);
      rendered.closest("[role=combobox]")?.setAttribute("aria-labelledby", names);
    }
  };
  const nameInlineHeaders = () => {
    for (const header of document.querySelectorAll(".tabular thead th.original, .tabular thead th:first-child")) {
      if (header.textContent.trim()) continue;
      const text = document.createElement("span");
      text.className = "visually-hidden";
      text.textContent = "Saved entry";
      header.append(text);
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    nameInlineHeaders();
    nameAutocompletes();
    new MutationObserver(nameAutocompletes).observe(document.body, { childList: true, subtree: true });
  });
})();
