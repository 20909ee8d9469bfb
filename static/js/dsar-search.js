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
  // After the settle, not the swap: while settling, htmx gives the new box the old one's
  // classes (same id), so at "afterSwap" a finished job still reads as running.
  document.body.addEventListener("htmx:afterSettle", function () {
    if (running() === 0) {
      notice.hidden = false;
    }
  });
})();
