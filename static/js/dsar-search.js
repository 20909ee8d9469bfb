// The answer's search page: the job progress boxes poll their jobs (htmx); once none is
// queued or running any more, say so, so the person reloads to see clips, frames and
// tracks. No automatic reload: it would throw away what they are typing in the forms.
(function () {
  "use strict";
  var notice = document.getElementById("answer-refresh");
  function running() {
    return document.querySelectorAll(".job.job-queued, .job.job-running").length;
  }
  if (!notice || running() === 0) {
    return;
  }
  document.body.addEventListener("htmx:afterSwap", function () {
    if (running() === 0) {
      notice.hidden = false;
    }
  });
})();
