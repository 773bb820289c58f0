// The countdown of an attempt. The server keeps the real time; this only shows it and
// submits the answers when it runs out. No inline script (the content security policy).
(function () {
  var el = document.getElementById("hs-remaining");
  var form = document.getElementById("hs-quiz-form");
  if (!el || !form) return;
  var left = parseInt(el.getAttribute("data-remaining"), 10) || 0;
  var end = Date.now() + left * 1000;
  var sent = false;
  form.addEventListener("submit", function (event) {
    var button = form.querySelector("[data-confirm]");
    if (!sent && button && event.submitter === button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    sent = true;
  });
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(s / 60), r = s % 60;
    el.textContent = m + ":" + (r < 10 ? "0" : "") + r;
    if (s <= 60) el.parentNode.parentNode.classList.add("hs-low");
    if (s === 0) {
      if (!sent) {
        sent = true;
        var p = document.getElementById("prediction");
        if (p && p.value === "") p.value = "0";
        form.submit();
      }
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
