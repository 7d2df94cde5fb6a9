// mangluoi: the little the pages need beyond htmx. No inline scripts, so the
// Content-Security-Policy can forbid them.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-pick-id]");
  if (!b) return;
  var hidden = document.getElementById(b.dataset.pickTarget);
  if (!hidden) return;
  hidden.value = b.dataset.pickId;
  var picker = hidden.closest("[data-picker]");
  var text = picker.querySelector("input[type=search]");
  text.value = b.dataset.pickName;
  picker.querySelector(".pick-results").innerHTML = "";
  picker.classList.add("picked");
});

// Typing in a unit picker forgets the unit chosen before: the server then
// resolves the typed name or says why it cannot, never the stale choice.
document.addEventListener("input", function (e) {
  var text = e.target.closest("[data-picker] input[type=search]");
  if (!text) return;
  var picker = text.closest("[data-picker]");
  var hidden = picker.querySelector("input[type=hidden]");
  if (hidden) hidden.value = "";
  picker.classList.remove("picked");
});

// Long forms (imports) show that work is under way and cannot be sent twice.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (!f.hasAttribute("data-busy")) return;
  f.classList.add("is-busy");
  f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
});

// On a phone the menu scrolls sideways: bring the current page's entry into
// view.
document.addEventListener("DOMContentLoaded", function () {
  var cur = document.querySelector(".menu [aria-current=page]");
  if (cur && cur.scrollIntoView) cur.scrollIntoView({block: "nearest", inline: "center"});
});
