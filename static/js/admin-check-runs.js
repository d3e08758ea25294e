"use strict";
// The check runs the admin's pages show: the line of a run that is queued or running (it carries its status URL)
// is asked about every few seconds and rewritten, "n of N checked", until the run ends and the line shows what
// it found, with a link to reload a list drawn before. Without JavaScript the line stays as it was when the page was
// loaded.
(() => {
  const POLL_MS = 2000;
  const RETRY_MS = 10000;

  // The list below the line was drawn before the run ended.
  const offerReload = (line) => {
    if (!document.getElementById("result_list")) return;
    const reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = "reload the list";
    line.append(" (", reload, " to see what it found in it)");
  };

  const follow = (line) => {
    const ask = async () => {
      let response;
      try {
        response = await fetch(line.dataset.statusUrl, { headers: { Accept: "application/json" } });
      } catch {
        setTimeout(ask, RETRY_MS); // the network failed: ask again later
        return;
      }
      // Signed out (the sign-in page answers) or the run deleted: the line stays as it is.
      if (!response.ok || !response.headers.get("Content-Type")?.startsWith("application/json")) return;
      const answer = await response.json();
      line.innerHTML = answer.html;
      if (answer.active) {
        setTimeout(ask, POLL_MS);
      } else {
        delete line.dataset.statusUrl;
        offerReload(line);
      }
    };
    setTimeout(ask, POLL_MS);
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".check-run-line[data-status-url]").forEach(follow);
  });
})();
