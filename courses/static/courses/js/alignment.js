// Alignment blocks in the page editor: the competency and level lists show only the chosen framework's
// items, and levels are chosen by name ("Niveau 3 — Confirmé …"). The server checks it too
// (AlignmentBlock.clean); this spares trainers the lists of both frameworks.
(function () {
  "use strict";
  var LABELS = { "crcn-edu": "CRCN Édu", "crcn": "CRCN" };

  function sibling(select, from, to) {
    var name = select.name.replace(new RegExp(from + "$"), to);
    return document.querySelector('select[name="' + name + '"]');
  }

  function limit(frameworkSelect) {
    var list = sibling(frameworkSelect, "framework", "competencies");
    if (list) {
      var prefix = frameworkSelect.value + "/";
      Array.prototype.forEach.call(list.querySelectorAll("option"), function (option) {
        var keep = option.value.indexOf(prefix) === 0;
        option.hidden = !keep;
        option.disabled = !keep;
        if (!keep) option.selected = false;
      });
      Array.prototype.forEach.call(list.querySelectorAll("optgroup"), function (group) {
        group.hidden = group.label !== LABELS[frameworkSelect.value];
      });
    }
    var levels = sibling(frameworkSelect, "framework", "level");
    if (levels) limitLevels(levels, LABELS[frameworkSelect.value]);
  }

  // The same number exists in both frameworks: keep the chosen number, in the chosen framework's group.
  function limitLevels(levels, label) {
    var value = levels.value;
    var keepOption = null;
    Array.prototype.forEach.call(levels.querySelectorAll("optgroup"), function (group) {
      var keep = group.label === label;
      group.hidden = !keep;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        option.disabled = !keep;
        option.selected = false;
        if (keep && option.value === value) keepOption = option;
      });
    });
    if (keepOption) keepOption.selected = true;
    else levels.value = "";
  }

  function isFramework(element) {
    return element && element.tagName === "SELECT" && /-alignment-framework$/.test(element.name);
  }

  document.addEventListener("change", function (event) {
    if (isFramework(event.target)) limit(event.target);
  });
  // Blocks are added after load: limit a list when it is reached.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.tagName === "SELECT" && /-alignment-(competencies|level)$/.test(target.name)) {
      var framework = sibling(target, target.name.match(/(competencies|level)$/)[1], "framework");
      if (framework) limit(framework);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    // Blocks render a moment after the document: limit every list once they are there.
    window.setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll("select"), function (select) {
        if (isFramework(select)) limit(select);
      });
    }, 300);
  });
})();
