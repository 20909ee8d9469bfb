/* The review player of a DSAR footage answer: the detected tracks and the boxes drawn by
   hand over the video on a canvas, stepping frame by frame, marking the requester by
   clicking a track, and drawing boxes with keyframes.
   The forms stay the source of truth: the script ticks their checkboxes and writes their
   JSON text, and the page's own POST saves them, with the player's moment riding along so
   the page comes back to it. Coordinates are pixels of the clip's frames. */
(function () {
  "use strict";

  var textsNode = document.getElementById("review-texts");
  if (!textsNode) {
    return;
  }
  var texts = JSON.parse(textsNode.textContent);
  var COLOURS = { requester: "#2fbf4f", covered: "#ff8c00", manual: "#2f7dff" };
  var MIN_BOX = 4;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function clock(seconds) {
    var tenths = Math.round(seconds * 10);
    var minutes = Math.floor(tenths / 600);
    var rest = (tenths % 600) / 10;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest.toFixed(1);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function button(text, onClick) {
    var node = element("button", "secondary", text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // The box of a hand-drawn track at `frame`: linear between keyframes, none outside them.
  function interpolate(keyframes, frame) {
    if (!keyframes.length || frame < keyframes[0].frame || frame > keyframes[keyframes.length - 1].frame) {
      return null;
    }
    for (var index = 0; index < keyframes.length; index += 1) {
      var key = keyframes[index];
      if (key.frame === frame || index === keyframes.length - 1) {
        return key;
      }
      var next = keyframes[index + 1];
      if (next.frame > frame) {
        var t = (frame - key.frame) / (next.frame - key.frame);
        return {
          x: key.x + t * (next.x - key.x),
          y: key.y + t * (next.y - key.y),
          w: key.w + t * (next.w - key.w),
          h: key.h + t * (next.h - key.h),
        };
      }
    }
    return null;
  }

  function setUp(root) {
    var card = root.closest(".review-item");
    var video = root.querySelector(".review-video");
    var canvas = root.querySelector(".review-overlay");
    var context = canvas.getContext("2d");
    var seek = root.querySelector(".review-seek");
    var output = root.querySelector(".review-time");
    var play = root.querySelector(".review-play");
    var drawButton = root.querySelector(".review-draw");
    var select = root.querySelector(".review-box-select");
    var status = root.querySelector(".review-status");
    var requesterForm = card.querySelector(".review-requester");
    var boxesText = card.querySelector(".review-boxes-text");
    var boxList = card.querySelector(".review-box-list");
    var fps = Number(root.dataset.fps);
    var width = Number(root.dataset.width);
    var height = Number(root.dataset.height);
    var frames = Number(seek.max) + 1;
    var byFrame = {};
    var boxes = [];
    var drawing = false;
    var drag = null;

    function say(text) {
      status.textContent = text;
    }

    function frameNow() {
      return Math.min(frames - 1, Math.max(0, Math.floor(video.currentTime * fps + 1e-4)));
    }

    function goTo(frame) {
      video.pause();
      video.currentTime = (Math.min(frames - 1, Math.max(0, frame)) + 0.5) / fps;
    }

    function isRequester(trackId) {
      var box = document.getElementById("requester-" + root.dataset.item + "-" + trackId);
      return Boolean(box && box.checked);
    }

    function outline(box, colour, dashed, label) {
      var line = Math.max(2, width / 200);
      context.lineWidth = line;
      context.strokeStyle = colour;
      context.setLineDash(dashed ? [line * 3, line * 2] : []);
      context.strokeRect(box.x, box.y, box.w, box.h);
      context.setLineDash([]);
      context.font = Math.max(12, Math.round(width / 40)) + "px sans-serif";
      context.fillStyle = colour;
      context.fillText(label, box.x, Math.max(12, box.y - line));
    }

    function draw() {
      var frame = frameNow();
      context.clearRect(0, 0, width, height);
      (byFrame[frame] || []).forEach(function (row) {
        var mine = isRequester(row[0]);
        var box = { x: row[1], y: row[2], w: row[3], h: row[4] };
        outline(box, mine ? COLOURS.requester : COLOURS.covered, !mine, (mine ? texts.requester : texts.covered) + " · " + row[0]);
      });
      boxes.forEach(function (manual, index) {
        var box = interpolate(manual.keyframes, frame);
        if (box) {
          outline(box, COLOURS.manual, false, fill(texts.box, { number: index + 1 }));
        }
      });
      if (drag && drag.end) {
        outline(rectangle(drag.start, drag.end), COLOURS.manual, true, "");
      }
      seek.value = String(frame);
      output.textContent = fill(texts.frame, { frame: frame, time: clock(video.currentTime) });
    }

    function animate() {
      draw();
      if (!video.paused && !video.ended) {
        window.requestAnimationFrame(animate);
      }
    }

    function point(event) {
      var area = canvas.getBoundingClientRect();
      return {
        x: Math.min(width, Math.max(0, ((event.clientX - area.left) * width) / area.width)),
        y: Math.min(height, Math.max(0, ((event.clientY - area.top) * height) / area.height)),
      };
    }

    function rectangle(a, b) {
      var round = function (value) {
        return Math.round(value * 10) / 10;
      };
      return {
        x: round(Math.min(a.x, b.x)),
        y: round(Math.min(a.y, b.y)),
        w: round(Math.abs(a.x - b.x)),
        h: round(Math.abs(a.y - b.y)),
      };
    }

    // Boxes -------------------------------------------------------------------------

    function write() {
      boxesText.value = JSON.stringify(
        boxes.map(function (box) {
          return { keyframes: box.keyframes, note: box.note || "", was: box.was };
        })
      );
    }

    function load(text, first) {
      try {
        var doc = JSON.parse(text || "[]");
        if (!Array.isArray(doc)) {
          return false;
        }
        boxes = doc.map(function (box, index) {
          // The saved boxes carry no "was": each was its own number.
          return { keyframes: box.keyframes || [], note: box.note || "", was: first || !("was" in box) ? index + 1 : box.was };
        });
        return true;
      } catch (error) {
        return false;
      }
    }

    function options() {
      var chosen = select.value;
      select.textContent = "";
      select.add(new Option(texts.new_box, "new"));
      boxes.forEach(function (box, index) {
        select.add(new Option(fill(texts.box, { number: index + 1 }), String(index)));
      });
      select.value = chosen;
      if (select.selectedIndex < 0) {
        select.selectedIndex = 0;
      }
    }

    function listBoxes() {
      boxList.textContent = "";
      if (!boxes.length) {
        boxList.appendChild(element("p", "", texts.none));
      }
      boxes.forEach(function (box, index) {
        var number = index + 1;
        var part = element("div", "review-box");
        part.appendChild(element("p", "review-box-title", fill(texts.box, { number: number })));
        var list = element("ul", "plain");
        box.keyframes.forEach(function (key, position) {
          var entry = element("li", "", fill(texts.keyframe, { time: clock(key.frame / fps), frame: key.frame }) + " ");
          entry.appendChild(button(texts.go, function () {
            goTo(key.frame);
          }));
          entry.appendChild(document.createTextNode(" "));
          entry.appendChild(button(texts.delete_keyframe, function () {
            box.keyframes.splice(position, 1);
            if (!box.keyframes.length) {
              boxes.splice(index, 1);
            }
            changed(texts.deleted);
          }));
          list.appendChild(entry);
        });
        part.appendChild(list);
        part.appendChild(button(fill(texts.delete_box, { number: number }), function () {
          boxes.splice(index, 1);
          changed(texts.deleted);
        }));
        boxList.appendChild(part);
      });
    }

    function changed(message) {
      write();
      options();
      listBoxes();
      draw();
      say(message);
    }

    function addKeyframe(box) {
      var frame = frameNow();
      var key = { frame: frame, x: box.x, y: box.y, w: box.w, h: box.h };
      var target;
      if (select.value === "new") {
        target = { keyframes: [], note: "", was: null };
        boxes.push(target);
      } else {
        target = boxes[Number(select.value)];
      }
      target.keyframes = target.keyframes.filter(function (other) {
        return other.frame !== frame;
      });
      target.keyframes.push(key);
      target.keyframes.sort(function (a, b) {
        return a.frame - b.frame;
      });
      var number = boxes.indexOf(target) + 1;
      options();
      select.value = String(number - 1);
      changed(fill(texts.added, { number: number, time: clock(frame / fps) }));
    }

    // Marking the requester -----------------------------------------------------------

    function toggleRequester(trackId) {
      var box = document.getElementById("requester-" + root.dataset.item + "-" + trackId);
      if (box) {
        box.checked = !box.checked;
        requesterForm.requestSubmit();
      }
    }

    function hit(at) {
      var found = null;
      var area = Infinity;
      (byFrame[frameNow()] || []).forEach(function (row) {
        var inside = at.x >= row[1] && at.x <= row[1] + row[3] && at.y >= row[2] && at.y <= row[2] + row[4];
        if (inside && row[3] * row[4] < area) {
          found = row[0];
          area = row[3] * row[4];
        }
      });
      return found;
    }

    // Events --------------------------------------------------------------------------

    canvas.addEventListener("pointerdown", function (event) {
      if (!drawing) {
        return;
      }
      event.preventDefault();
      video.pause();
      canvas.setPointerCapture(event.pointerId);
      drag = { start: point(event), end: null };
    });
    canvas.addEventListener("pointermove", function (event) {
      if (drag) {
        drag.end = point(event);
        draw();
      }
    });
    canvas.addEventListener("pointerup", function (event) {
      if (!drag) {
        return;
      }
      var box = rectangle(drag.start, point(event));
      drag = null;
      if (box.w < MIN_BOX || box.h < MIN_BOX) {
        draw();
        say(texts.too_small);
        return;
      }
      addKeyframe(box);
    });
    canvas.addEventListener("click", function (event) {
      if (drawing) {
        return;
      }
      var trackId = hit(point(event));
      if (trackId !== null) {
        toggleRequester(trackId);
      }
    });

    drawButton.addEventListener("click", function () {
      drawing = !drawing;
      drawButton.setAttribute("aria-pressed", drawing ? "true" : "false");
      canvas.classList.toggle("drawing", drawing);
      if (drawing) {
        video.pause();
      }
    });
    play.addEventListener("click", function () {
      if (video.paused) {
        video.play();
      } else {
        video.pause();
      }
    });
    root.querySelectorAll(".review-step").forEach(function (step) {
      step.addEventListener("click", function () {
        goTo(frameNow() + Number(step.dataset.step));
      });
    });
    seek.addEventListener("input", function () {
      goTo(Number(seek.value));
    });
    video.addEventListener("play", function () {
      play.textContent = texts.pause;
      animate();
    });
    video.addEventListener("pause", function () {
      play.textContent = texts.play;
      draw();
    });
    ["seeked", "timeupdate", "loadeddata"].forEach(function (name) {
      video.addEventListener(name, draw);
    });
    card.querySelectorAll(".track-pick").forEach(function (pick) {
      pick.addEventListener("click", function () {
        toggleRequester(pick.dataset.track);
      });
    });
    card.querySelectorAll(".review-seek-to").forEach(function (control) {
      control.addEventListener("click", function () {
        video.pause();
        video.currentTime = Number(control.dataset.seek);
        root.scrollIntoView({ block: "nearest" });
      });
    });
    // Every form of the card takes the player's moment along, to come back to it.
    card.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function () {
        var moment = form.querySelector("input[name=t]");
        if (moment) {
          moment.value = video.currentTime.toFixed(3);
        }
      });
    });
    boxesText.addEventListener("input", function () {
      if (load(boxesText.value, false)) {
        options();
        listBoxes();
        draw();
        say("");
      } else {
        say(texts.invalid);
      }
    });

    // Back at the moment the page was left, when it names this clip.
    var query = new URLSearchParams(window.location.search);
    if (query.get("item") === root.dataset.item && query.get("t")) {
      var back = Number(query.get("t"));
      var resume = function () {
        video.currentTime = back;
      };
      if (video.readyState >= 1) {
        resume();
      } else {
        video.addEventListener("loadedmetadata", resume, { once: true });
      }
    }

    load(boxesText.value, true);
    write();
    options();
    listBoxes();
    // The whole picture stays in view: no wider than 70% of the window's height allows.
    root.querySelector(".review-stage").style.maxWidth = "min(960px, calc(70vh * " + (width / height).toFixed(4) + "))";
    video.removeAttribute("controls");
    canvas.hidden = false;
    root.querySelectorAll(".review-controls").forEach(function (part) {
      part.hidden = false;
    });
    fetch(root.dataset.tracks, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || response.statusText);
          }
          return data;
        });
      })
      .then(function (data) {
        data.boxes.forEach(function (row) {
          (byFrame[row[0]] = byFrame[row[0]] || []).push(row.slice(1));
        });
        frames = data.frames;
        draw();
      })
      .catch(function (error) {
        say(fill(texts.no_tracks, { error: error.message }));
      });
    draw();
  }

  document.querySelectorAll(".review-player").forEach(setUp);
})();
