"use strict";
// A tag input (comma-separated) offers the catalog's tags that contain what is typed after the last comma; choosing
// one keeps the tags before it.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[list$='-choices'][name$='tags']")) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) continue;
    const names = [...list.options].map((option) => option.value);
    const offer = () => {
      const cut = input.value.lastIndexOf(",");
      const kept = cut < 0 ? "" : `${input.value.slice(0, cut + 1).trimEnd()} `;
      const typed = input.value.slice(cut + 1).trim().toLowerCase();
      const chosen = new Set(kept.split(",").map((name) => name.trim().toLowerCase()));
      const options = names
        .filter((name) => !chosen.has(name.toLowerCase()) && name.toLowerCase().includes(typed))
        .slice(0, 50)
        .map((name) => {
          const option = new Option(name, kept + name);
          option.label = name;
          return option;
        });
      list.replaceChildren(...options);
    };
    input.addEventListener("input", offer);
    input.addEventListener("focus", offer);
  }
});
