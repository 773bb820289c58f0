// The recording list: the header's box ticks or unticks every member on the page; typing a
// score ticks "studied" on that row (a member who took the check has studied).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var all = document.querySelector("[data-hs-tick-all]");
    var boxes = document.querySelectorAll("[data-hs-tick]");
    if (all) {
      all.checked = boxes.length > 0 && Array.prototype.every.call(boxes, function (b) { return b.checked; });
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
      });
    }
    document.querySelectorAll(".hs-score").forEach(function (input) {
      input.addEventListener("input", function () {
        var box = input.closest("tr").querySelector("[data-hs-tick]");
        if (box && input.value !== "") box.checked = true;
      });
    });
  });
})();
