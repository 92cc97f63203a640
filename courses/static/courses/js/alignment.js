// Alignment blocks in the page editor: the competency list shows only the chosen framework's items.
// The server checks it too (AlignmentBlock.clean); this spares trainers a list of both frameworks.
(function () {
  "use strict";
  var LABELS = { "crcn-edu": "CRCN Édu", "crcn": "CRCN" };

  function competenciesFor(frameworkSelect) {
    var name = frameworkSelect.name.replace(/framework$/, "competencies");
    return document.querySelector('select[name="' + name + '"]');
  }

  function frameworkFor(competencySelect) {
    var name = competencySelect.name.replace(/competencies$/, "framework");
    return document.querySelector('select[name="' + name + '"]');
  }

  function limit(frameworkSelect) {
    var list = competenciesFor(frameworkSelect);
    if (!list) return;
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

  var NAMES = {};
  try { NAMES = JSON.parse(document.getElementById("relais-level-names").textContent); } catch (e) {}

  // The level is typed as a number; its name in the chosen framework is shown beside it.
  function nameLevel(input) {
    var framework = document.querySelector('select[name="' + input.name.replace(/level$/, "framework") + '"]');
    if (!framework) return;
    var note = input.parentNode.querySelector("[data-level-name]");
    if (!note) {
      note = document.createElement("p");
      note.setAttribute("data-level-name", "");
      note.setAttribute("aria-live", "polite");
      note.className = "help";
      input.parentNode.appendChild(note);
    }
    var label = (NAMES[framework.value] || {})[input.value];
    note.textContent = label ? "= " + label : "";
  }

  function levelInputFor(frameworkSelect) {
    return document.querySelector('input[name="' + frameworkSelect.name.replace(/framework$/, "level") + '"]');
  }

  function isFramework(element) {
    return element && element.tagName === "SELECT" && /-alignment-framework$/.test(element.name);
  }

  document.addEventListener("change", function (event) {
    if (isFramework(event.target)) {
      limit(event.target);
      var level = levelInputFor(event.target);
      if (level) nameLevel(level);
    }
  });
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.tagName === "INPUT" && /-alignment-level$/.test(target.name)) nameLevel(target);
  });
  // Blocks are added after load: limit a list when it is reached.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.tagName === "SELECT" && /-alignment-competencies$/.test(target.name)) {
      var framework = frameworkFor(target);
      if (framework) limit(framework);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select"), function (select) {
      if (isFramework(select)) {
        limit(select);
        var level = levelInputFor(select);
        if (level) nameLevel(level);
      }
    });
  });
})();
