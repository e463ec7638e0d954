// Live testbench: follow a run by polling its status.json and fill in the page.
// Model output is untrusted: it only ever goes into textContent, never innerHTML.
(function () {
  "use strict";
  var root = document.querySelector(".testbench-run[data-status-url]");
  if (!root || root.dataset.finished === "true" || !window.fetch) {
    return;
  }
  var url = root.dataset.statusUrl;
  var INTERVAL_MS = 500;
  var EMPTY = "\u2014";

  function setText(element, value) {
    var prefix = element.dataset.prefix || "";
    var text = value === "" || value === null || value === undefined ? EMPTY : prefix + value;
    if (element.dataset.field === "answer") {
      text = value || "";
    }
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function update(data) {
    var status = root.querySelector("[data-run-field='status']");
    if (status) {
      status.textContent = data.status_label;
    }
    data.results.forEach(function (result) {
      var card = root.querySelector(".testbench-result[data-position='" + Number(result.position) + "']");
      if (!card) {
        return;
      }
      card.dataset.status = result.status;
      card.querySelectorAll("[data-field]").forEach(function (element) {
        var name = element.dataset.field;
        if (name === "error") {
          element.textContent = result.error;
          element.hidden = !result.error;
        } else if (result.shown && Object.prototype.hasOwnProperty.call(result.shown, name)) {
          // Figures as the server formats them (thousands separated, dollars).
          element.textContent = result.shown[name];
        } else if (Object.prototype.hasOwnProperty.call(result, name)) {
          setText(element, result[name]);
        }
      });
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.finished) {
          root.dataset.finished = "true";
        } else {
          window.setTimeout(poll, INTERVAL_MS);
        }
      })
      .catch(function () {
        // A dropped request: try again a little later rather than giving up.
        window.setTimeout(poll, INTERVAL_MS * 4);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
