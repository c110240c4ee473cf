/* The seed upload page: say at once when the chosen files are over the upload's size or
 * loose-file limit, which the server would refuse before reading them. The server checks
 * everything again; this only spares a long upload. No inline script: the page links it.
 */
(function () {
  "use strict";

  function readable(bytes) {
    const mib = bytes / (1024 * 1024);
    return mib >= 1 ? (Math.round(mib * 10) / 10) + " MiB" : Math.ceil(bytes / 1024) + " KiB";
  }

  function start() {
    const form = document.getElementById("seed-upload-form");
    const input = document.getElementById("id_files");
    const note = document.getElementById("upload-check");
    if (!form || !input || !note) {
      return;
    }
    const maxBytes = Number(form.dataset.maxBytes);
    const maxFiles = Number(form.dataset.maxLooseFiles);

    function check() {
      const files = Array.from(input.files || []);
      const total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
      let problem = "";
      if (files.length > maxFiles) {
        problem = files.length + " files chosen; at most " + maxFiles +
          " loose files per upload. Put them in a zip.";
      } else if (total > maxBytes) {
        problem = "The files come to " + readable(total) + "; an upload may be at most " +
          readable(maxBytes) + ".";
      }
      input.setCustomValidity(problem);
      note.textContent = problem || (files.length ? files.length + " file" +
        (files.length === 1 ? "" : "s") + " chosen, " + readable(total) + "." : "");
      note.hidden = !note.textContent;
      note.classList.toggle("errornote", Boolean(problem));
    }

    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      check();
      if (!form.checkValidity()) {
        event.preventDefault();
        input.reportValidity();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
