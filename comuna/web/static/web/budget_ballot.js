// budget: the running total of each district of a budget ballot, the cost of the projects
// ticked (or given points, or ranked) against what a ballot may spend, updated as the voter
// fills it in. Without this script the "Update the total" button asks the server for it.
(function () {
  "use strict";
  var cents = function (text) {
    var parts = String(text).split(".");
    var whole = parseInt(parts[0] || "0", 10);
    var frac = parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    return whole * 100 + (whole < 0 ? -frac : frac);
  };
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    useGrouping: "always",
  });
  document.querySelectorAll("fieldset.budget-district").forEach(function (district) {
    var total = district.querySelector(".spent");
    if (!total) return;
    var amount = total.querySelector(".spent-amount");
    var over = total.querySelector(".over");
    var limit = cents(total.dataset.limit);
    // the currency's label the server wrote before the number ("Bs. 1.800,00")
    var label = amount.textContent.replace(/\d[\d.,\s\u00a0]*$/, "");
    var update = function () {
      var sum = 0;
      district.querySelectorAll("input[data-cost]").forEach(function (input) {
        var chosen = input.type === "checkbox" ? input.checked : input.value.trim() !== "" && input.value.trim() !== "0";
        if (chosen) sum += cents(input.dataset.cost);
      });
      amount.textContent = label.trim() + (label ? "\u00a0" : "") + format.format(sum / 100);
      if (over) over.hidden = !(total.dataset.hasMax === "1" && sum > limit);
    };
    district.addEventListener("change", update);
    district.addEventListener("input", update);
  });
})();
