/* Uploads each chosen file in its own request, at most `data-parallel` at a time, shows
   its upload progress, then follows its ingestion job through the job_progress partial
   (polled by htmx) until it is ready or has failed. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form) {
    return;
  }
  var input = document.getElementById("upload-files");
  var dropZone = document.getElementById("drop-zone");
  var list = document.getElementById("upload-list");
  var empty = document.getElementById("uploads-empty");
  var texts = JSON.parse(document.getElementById("upload-texts").textContent);
  var maxBytes = Number(form.dataset.maxBytes);
  var parallel = Number(form.dataset.parallel) || 2;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var problem = document.getElementById("upload-problem");
  var waiting = [];
  var running = 0;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function makeRow(file) {
    var row = element("li", "upload-row");
    row.appendChild(element("p", "upload-name", file.name));
    var bar = element("progress", "upload-progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", fill(texts.progressLabel, { name: file.name }));
    row.appendChild(bar);
    var state = element("p", "upload-state", texts.waiting);
    state.setAttribute("role", "status");
    row.appendChild(state);
    row.appendChild(element("div", "upload-job"));
    list.appendChild(row);
    empty.hidden = true;
    return row;
  }

  function setState(row, text, className) {
    var state = row.querySelector(".upload-state");
    state.textContent = text;
    state.className = "upload-state" + (className ? " " + className : "");
    return state;
  }

  function fail(row, message) {
    row.classList.add("upload-failed");
    setState(row, texts.failed + " " + message, "error");
  }

  function followJob(row, answer) {
    var box = row.querySelector(".upload-job");
    var poller = element("div");
    poller.setAttribute("hx-get", answer.progress_url);
    poller.setAttribute("hx-trigger", "load");
    poller.setAttribute("hx-swap", "outerHTML");
    box.appendChild(poller);
    // htmx swaps in the partial, which polls itself until the job ends; watch for that end.
    var watcher = new MutationObserver(function () {
      var job = box.querySelector(".job");
      if (!job || job.classList.contains("job-queued") || job.classList.contains("job-running")) {
        return;
      }
      watcher.disconnect();
      if (job.classList.contains("job-succeeded")) {
        row.classList.add("upload-ready");
        var state = setState(row, "", "ok");
        var link = element("a", "", texts.ready);
        link.href = answer.recording_url;
        state.appendChild(link);
      } else {
        var reason = job.querySelector(".error");
        fail(row, reason ? reason.textContent : job.textContent.trim());
      }
    });
    // htmx first gives a swapped-in element the old one's classes, then its own ("settling"):
    // the class change is what tells that the job has ended.
    watcher.observe(box, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    window.htmx.process(box);
  }

  function finished(row, xhr, file) {
    var answer = null;
    try {
      answer = JSON.parse(xhr.responseText);
    } catch (error) {
      answer = null;
    }
    if (xhr.status === 202 && answer) {
      row.querySelector(".upload-progress").value = 100;
      setState(row, texts.ingesting);
      followJob(row, answer);
    } else if (xhr.status === 413) {
      fail(row, fill(texts.tooLarge, { name: file.name }));
    } else {
      fail(row, answer && answer.error ? answer.error : fill(texts.server, { name: file.name, status: xhr.status }));
    }
  }

  function send(task) {
    running += 1;
    var row = task.row;
    var file = task.file;
    var data = new FormData();
    data.append("camera", task.camera);
    data.append("start", task.start);
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        row.querySelector(".upload-progress").value = Math.round((100 * event.loaded) / event.total);
      }
    };
    xhr.onload = function () {
      finished(row, xhr, file);
    };
    xhr.onerror = function () {
      fail(row, fill(texts.network, { name: file.name }));
    };
    xhr.onloadend = function () {
      running -= 1;
      pump();
    };
    setState(row, texts.uploading);
    xhr.send(data);
  }

  function pump() {
    while (running < parallel && waiting.length) {
      send(waiting.shift());
    }
  }

  function complain(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  function queue(files) {
    var camera = form.elements.camera.value;
    if (!camera) {
      complain(texts.noCamera);
      form.elements.camera.focus();
      return;
    }
    if (!files.length) {
      complain(texts.noFiles);
      input.focus();
      return;
    }
    var start = form.elements.start.value;
    if (start && files.length > 1) {
      complain(texts.oneStart);
      form.elements.start.focus();
      return;
    }
    complain("");
    Array.prototype.forEach.call(files, function (file) {
      var row = makeRow(file);
      if (maxBytes && file.size > maxBytes) {
        fail(row, fill(texts.tooLarge, { name: file.name }));
        return;
      }
      waiting.push({ file: file, row: row, camera: camera, start: start });
    });
    pump();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    queue(input.files);
    input.value = "";
  });

  ["dragenter", "dragover"].forEach(function (name) {
    dropZone.addEventListener(name, function (event) {
      event.preventDefault();
      dropZone.classList.add("drop-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropZone.addEventListener(name, function () {
      dropZone.classList.remove("drop-active");
    });
  });
  dropZone.addEventListener("drop", function (event) {
    event.preventDefault();
    queue(event.dataTransfer.files);
  });
})();
