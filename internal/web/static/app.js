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

// The menu's fold (layout.html): open on a wide screen, where its button is
// hidden; folded on a phone, where Escape closes it and gives the focus
// back to its button.
(function () {
  var fold = document.querySelector("[data-navfold]");
  if (!fold || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 760px)");
  function fit() { fold.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
  fold.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && fold.open && !wide.matches) {
      fold.open = false;
      fold.querySelector("summary").focus();
    }
  });
})();

// A print button (template "print_button", the report's print view): the
// browser's print dialog; the page's print styles lay it out.
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});

// After a form comes back with errors, the focus goes to the first wrong
// field (marked aria-invalid, described by the error list), else to the
// error list, so a keyboard or screen reader user starts where the problem is.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("main [aria-invalid=true]") || document.getElementById("form-errors");
  if (first) first.focus();
});

// A table box that scrolls sideways takes the focus, so it can be
// scrolled by keyboard; it is named after its table's caption or the
// nearest heading.
function focusableScrollers() {
  document.querySelectorAll(".scroll").forEach(function (box) {
    if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth) return;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label")) {
      var sec = box.closest("section");
      var name = box.querySelector("caption") || (sec && sec.querySelector("h2, h3")) || document.querySelector("main h1");
      if (name) box.setAttribute("aria-label", name.textContent.replace(/\s+/g, " ").trim());
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollers);
// and in what htmx brings later (the compliance trend)
document.addEventListener("htmx:afterSettle", focusableScrollers);
