// The poll form's rule list shows only the rules of the chosen method: each group of rules is
// labelled with its method's name. Without this script the server refuses a rule that does
// not fit the method, saying which rules do.
(function () {
  "use strict";
  var method = document.getElementById("id_method");
  var rule = document.getElementById("id_rule");
  if (!method || !rule) return;
  var filter = function () {
    var chosen = method.options[method.selectedIndex].text;
    rule.querySelectorAll("optgroup").forEach(function (group) {
      var fits = group.label === chosen;
      group.hidden = !fits;
      group.disabled = !fits;
    });
    var selected = rule.options[rule.selectedIndex];
    if (selected && selected.parentNode.disabled) rule.value = "";
  };
  method.addEventListener("change", filter);
  filter();
})();
