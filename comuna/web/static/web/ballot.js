// A budget ballot's running total: the cost of the projects chosen (ticked, or given a rank or
// points) against what a ballot may spend, updated as the voter fills the ballot in. Without this script the "Check my ballot" button asks
// the server for the same total.
(function () {
  "use strict";
  var total = document.getElementById("spent");
  if (!total) return;
  var form = total.closest("form");
  var amount = total.querySelector(".spent-amount");
  var over = total.querySelector(".over");
  var cents = function (text) {
    var parts = String(text).split(".");
    var whole = parseInt(parts[0] || "0", 10);
    var frac = parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    return whole * 100 + (whole < 0 ? -frac : frac);
  };
  var limit = cents(total.dataset.limit);
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    useGrouping: "always", // as the server groups thousands (1.234,50), even with four digits
  });
  var update = function () {
    var sum = 0;
    form.querySelectorAll("input[data-cost]").forEach(function (input) {
      var chosen =
        input.type === "checkbox" || input.type === "radio"
          ? input.checked
          : ["", "0"].indexOf(input.value.trim()) === -1;
      if (chosen) sum += cents(input.dataset.cost);
    });
    amount.textContent = format.format(sum / 100);
    if (over) over.hidden = !(total.dataset.hasMax === "1" && sum > limit);
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
