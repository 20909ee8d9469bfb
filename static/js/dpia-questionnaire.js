// The questionnaire form: a question with a condition (data-show-if names the question it
// depends on, data-show-values the answers that make it asked) is shown only while the
// condition holds. Hidden questions are also disabled, so they are not sent; the server
// drops their answers anyway, and without this script every question is simply shown.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire-form");
  if (!form) {
    return;
  }
  var conditional = form.querySelectorAll("[data-show-if]");

  function answers(name) {
    var wrapper = document.getElementById("field-" + name);
    if (wrapper && wrapper.hidden) {
      return []; // a hidden question has no answer, so what depends on it is hidden too
    }
    var given = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          given.push(input.value);
        }
      } else if (input.value) {
        given.push(input.value);
      }
    });
    return given;
  }

  function update() {
    // In page order: a condition always names an earlier question, already settled.
    conditional.forEach(function (wrapper) {
      var wanted = JSON.parse(wrapper.getAttribute("data-show-values"));
      var shown = answers(wrapper.getAttribute("data-show-if")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
