/* Privacy-mask editor: click on the picture to add points, close, undo, delete.
   The JSON textarea stays the single source of truth, so the keyboard path (editing
   the text) and the drawing always agree. Coordinates are fractions of the picture. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var editor = document.getElementById("mask-editor");
  var textarea = document.getElementById("id_polygons");
  if (!editor || !textarea) {
    return;
  }
  var width = Number(editor.dataset.width);
  var height = Number(editor.dataset.height);
  var overlay = document.getElementById("mask-overlay");
  var shapes = document.getElementById("mask-shapes");
  var select = document.getElementById("mask-select");
  var status = document.getElementById("mask-status");
  var texts = JSON.parse(document.getElementById("mask-texts").textContent);
  var state = { masks: [], roi: null };
  var open = [];

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function isPolygon(polygon) {
    return (
      Array.isArray(polygon) &&
      polygon.every(function (point) {
        return Array.isArray(point) && typeof point[0] === "number" && typeof point[1] === "number";
      })
    );
  }

  // Only text that can be drawn replaces the state; anything else leaves the last valid version.
  function load(text) {
    try {
      var doc = JSON.parse(text || "{}");
      var masks = Array.isArray(doc.masks) ? doc.masks : [];
      var roi = Array.isArray(doc.region_of_interest) ? doc.region_of_interest : null;
      if (!masks.every(isPolygon) || (roi && !isPolygon(roi))) {
        return false;
      }
      state.masks = masks;
      state.roi = roi;
      return true;
    } catch (error) {
      return false;
    }
  }

  function save() {
    textarea.value = JSON.stringify({ masks: state.masks, region_of_interest: state.roi });
  }

  function mode() {
    return editor.querySelector("input[name=mask-mode]:checked").value;
  }

  function clamp(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  }

  function pointList(polygon) {
    return polygon
      .map(function (point) {
        return (point[0] * width).toFixed(1) + "," + (point[1] * height).toFixed(1);
      })
      .join(" ");
  }

  function shape(tag, className, polygon) {
    var element = document.createElementNS(SVG_NS, tag);
    element.setAttribute("class", className);
    element.setAttribute("points", pointList(polygon));
    shapes.appendChild(element);
  }

  function drawPoints(polygon, className) {
    polygon.forEach(function (point) {
      var dot = document.createElementNS(SVG_NS, "circle");
      dot.setAttribute("class", className);
      dot.setAttribute("cx", (point[0] * width).toFixed(1));
      dot.setAttribute("cy", (point[1] * height).toFixed(1));
      dot.setAttribute("r", (Math.max(width, height) / 200).toFixed(1));
      shapes.appendChild(dot);
    });
  }

  function options() {
    var chosen = select.value;
    select.textContent = "";
    state.masks.forEach(function (polygon, index) {
      select.add(new Option(fill(texts.mask, { number: index + 1 }), "mask:" + index));
    });
    if (state.roi) {
      select.add(new Option(texts.roi, "roi"));
    }
    if (!select.options.length) {
      select.add(new Option(texts.none, ""));
    }
    select.value = chosen;
    if (select.selectedIndex < 0) {
      select.selectedIndex = 0;
    }
  }

  function draw() {
    shapes.textContent = "";
    var chosen = select.value;
    state.masks.forEach(function (polygon, index) {
      shape("polygon", "mask" + (chosen === "mask:" + index ? " selected" : ""), polygon);
    });
    if (state.roi) {
      shape("polygon", "roi" + (chosen === "roi" ? " selected" : ""), state.roi);
    }
    if (open.length) {
      var kind = mode() === "roi" ? "roi" : "mask";
      shape("polyline", "open " + kind, open);
      drawPoints(open, "point " + kind);
    }
  }

  function redraw() {
    options();
    draw();
  }

  overlay.addEventListener("click", function (event) {
    var box = overlay.getBoundingClientRect();
    open.push([clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)]);
    draw();
    say(fill(texts.pointAdded, { number: open.length }));
  });

  document.getElementById("mask-close").addEventListener("click", function () {
    if (open.length < 3) {
      say(texts.needThree);
      return;
    }
    if (mode() === "roi") {
      state.roi = open;
    } else {
      state.masks.push(open);
    }
    open = [];
    save();
    redraw();
    say(texts.closed);
  });

  document.getElementById("mask-undo").addEventListener("click", function () {
    if (!open.length) {
      say(texts.nothing);
      return;
    }
    open.pop();
    draw();
    say(texts.undone);
  });

  document.getElementById("mask-delete").addEventListener("click", function () {
    var chosen = select.value;
    if (!chosen) {
      return;
    }
    if (chosen === "roi") {
      state.roi = null;
    } else {
      state.masks.splice(Number(chosen.split(":")[1]), 1);
    }
    save();
    redraw();
    say(texts.deleted);
  });

  select.addEventListener("change", draw);
  editor.querySelectorAll("input[name=mask-mode]").forEach(function (radio) {
    radio.addEventListener("change", draw);
  });
  textarea.addEventListener("input", function () {
    if (load(textarea.value)) {
      redraw();
      say("");
    } else {
      say(texts.invalid);
    }
  });

  document.getElementById("mask-tools").hidden = false;
  // After a refused save the text is the refused one: show (and build on) the saved polygons.
  if (!load(textarea.value)) {
    load(JSON.parse(document.getElementById("mask-saved").textContent));
    say(texts.invalid);
  }
  redraw();
})();
