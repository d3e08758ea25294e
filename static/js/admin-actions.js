"use strict";
// The admin's action bar shows only the fields the chosen action reads (their widgets name it in data-actions).
document.addEventListener("DOMContentLoaded", () => {
  for (const bar of document.querySelectorAll(".actions")) {
    const action = bar.querySelector("select[name=action]");
    const fields = [...bar.querySelectorAll("[data-actions]")];
    if (!action || !fields.length) continue;
    const show = () => {
      for (const field of fields) {
        const wanted = field.dataset.actions.split(" ").includes(action.value);
        (field.closest("label") || field).style.display = wanted ? "" : "none";
      }
    };
    action.addEventListener("change", show);
    show();
  }
});
