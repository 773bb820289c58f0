// HộiSố — small behaviours of the shell. No inline scripts (the content security policy forbids them).
document.addEventListener("click", function (event) {
  // Buttons that ask before a consequential action: data-confirm="question".
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
  // Tree: a loaded branch collapses and expands without asking the server again.
  const toggle = event.target.closest("[data-tree-toggle]");
  if (toggle && toggle.dataset.loaded === "1") {
    // Loaded once: from now on the branch opens and closes here, without htmx asking again.
    event.preventDefault();
    event.stopPropagation();
    const target = document.getElementById(toggle.dataset.treeToggle);
    const open = !target.hidden;
    target.hidden = open;
    toggle.setAttribute("aria-expanded", String(!open));
    toggle.querySelector(".bi").className = open ? "bi bi-plus-square" : "bi bi-dash-square";
  }
}, true);

document.addEventListener("htmx:afterSwap", function (event) {
  const toggle = document.querySelector('[data-tree-toggle="' + event.target.id + '"]');
  if (toggle) {
    toggle.dataset.loaded = "1";
    toggle.setAttribute("aria-expanded", "true");
    toggle.querySelector(".bi").className = "bi bi-dash-square";
    toggle.removeAttribute("hx-get");
  }
});
