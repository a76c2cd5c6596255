// safelane workbench: keyboard help for officers who work the queue all shift. Pages work without it.
// "/" jumps to the first filter; j / k move through a list's rows; Enter opens the row's link.
(function () {
  "use strict";
  function typing(target) {
    return target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.rows tbody tr")); }
  var current = -1;
  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    if (current >= 0 && all[current]) { all[current].classList.remove("selected"); }
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all[current].classList.add("selected");
    var link = all[current].querySelector("a");
    if (link) { link.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var filter = document.querySelector("form.filters input, form.filters select");
      if (filter) { event.preventDefault(); filter.focus(); }
    } else if (event.key === "j") { move(1); } else if (event.key === "k") { move(-1); }
  });
}());

// Charts: the arrow keys (and Home / End) move the focus, and so the value shown, from column to column.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var mark = event.target;
    if (!mark.classList || !mark.classList.contains("mark")) { return; }
    var marks = Array.prototype.slice.call(mark.parentNode.querySelectorAll(".mark"));
    var at = marks.indexOf(mark);
    var next = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: marks.length - 1}[event.key];
    if (next === undefined || !marks[next]) { return; }
    event.preventDefault();
    mark.setAttribute("tabindex", "-1");
    marks[next].setAttribute("tabindex", "0");
    marks[next].focus();
  });
}());
