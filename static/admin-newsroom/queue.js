/* Keys for the review queue: move, select, open, and the common decisions.
 *
 *   j / k    next / previous article       x   select or unselect it
 *   o        open it                        p   publish the selection (or this article)
 *   r        reject …                       s   schedule …
 *
 * Keys are ignored while typing in a field or with Ctrl, Alt or Meta held, so the
 * browser's and the admin's own keys keep working. A decision goes through the admin's
 * action form and its confirmation page, as a click on "Go" would. No inline script:
 * this file is loaded by the page's media.
 */
(function () {
  "use strict";
  const DECISIONS = { p: "publish", r: "reject", s: "schedule" };

  function start() {
    const body = document.body;
    const table = document.getElementById("result_list");
    const form = document.getElementById("changelist-form");
    if (!table || !form || !body.classList.contains("model-article")) {
      return;
    }
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    let current = -1;

    const hint = document.createElement("p");
    hint.className = "nr-keys";
    hint.id = "nr-keys";
    hint.innerHTML =
      "Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>x</kbd> select, <kbd>o</kbd> open, " +
      "<kbd>p</kbd> publish, <kbd>r</kbd> reject, <kbd>s</kbd> schedule.";
    form.parentNode.insertBefore(hint, form);

    function moveTo(index) {
      if (!rows.length) {
        return;
      }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) {
        row.classList.toggle("nr-current", i === current);
      });
      const link = rows[current].querySelector("a.nr-headline");
      if (link) {
        link.focus({ preventScroll: true });
      }
      rows[current].scrollIntoView({ block: "nearest" });
    }

    function checkbox(row) {
      return row && row.querySelector("input.action-select");
    }

    function decide(action) {
      const select = form.querySelector("select[name=action]");
      if (!select || !select.querySelector('option[value="' + action + '"]')) {
        return;
      }
      const anySelected = rows.some(function (row) {
        return checkbox(row) && checkbox(row).checked;
      });
      if (!anySelected && current >= 0 && checkbox(rows[current])) {
        checkbox(rows[current]).click();
      }
      select.value = action;
      const go = form.querySelector("button[name=index]");
      if (go) {
        go.click();
      }
    }

    document.addEventListener("keydown", function (event) {
      const target = event.target;
      if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) {
        return;
      }
      if (target.closest("input, textarea, select, [contenteditable]")) {
        return;
      }
      const key = event.key;
      if (key === "j" || key === "k") {
        moveTo(current + (key === "j" ? 1 : -1));
      } else if (key === "x" && current >= 0 && checkbox(rows[current])) {
        checkbox(rows[current]).click();
      } else if (key === "o" && current >= 0) {
        const link = rows[current].querySelector("a.nr-headline");
        if (link) {
          window.location.href = link.href;
        }
      } else if (DECISIONS[key]) {
        decide(DECISIONS[key]);
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
