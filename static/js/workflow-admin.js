// Character counts under the text areas of reviewed content (the admin's change forms).
(function () {
  "use strict";
  function attach(area) {
    if (area.dataset.counted) return;
    area.dataset.counted = "yes";
    var count = document.createElement("span");
    count.className = "char-count";
    var limit = area.getAttribute("maxlength");
    function update() {
      var n = area.value.length;
      count.textContent = limit ? n + " / " + limit + " characters" : n + " characters";
    }
    area.addEventListener("input", update);
    update();
    area.insertAdjacentElement("afterend", count);
  }
  function all() {
    document.querySelectorAll("form textarea:not([name*='__prefix__']):not(#workflow-comment), form input[type=text][maxlength]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("formset:added", all);
})();
