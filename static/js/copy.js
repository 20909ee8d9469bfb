/* Copy buttons: a button with data-copy="ID" copies the text of the element ID (a field's
   value, or its text) to the clipboard and says so in the live region #copy-status.
   Where the clipboard is not available (plain http), the text is selected instead, for
   the person to copy with the keyboard. */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function select(target) {
    if (typeof target.select === "function") {
      target.focus();
      target.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) {
      return;
    }
    var text = "value" in target ? target.value : target.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(button.dataset.copied); },
        function () { select(target); say(button.dataset.select); }
      );
    } else {
      select(target);
      say(button.dataset.select);
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
