// The backprop stepper's behaviour: restyles one Graphviz SVG for each frame.
// Frames: ["f", node, null, null, 0, text, "", 0] forward; ["s", root, null, grad, 0, text, "", 0]
// seed; ["b", node, parent, grad, partial, text, sum, slot] one chain-rule step into parent
// along the slot-th edge between the two (x * x has two).
function agStepper(root) {
  "use strict";
  if (root.agStepper) return;
  var note = root.querySelector(".ag-note");
  if (note) note.remove();
  root.querySelector(".ag-live").style.display = "";
  var data = JSON.parse(root.querySelector("script.ag-data").textContent);
  var view = root.querySelector(".ag-view");
  view.innerHTML = root.querySelector("script.ag-svg").textContent;
  var svg = view.querySelector("svg");
  var frames = data.frames, count = data.values.length, last = frames.length - 1;
  var nodes = {}, edges = {};
  Array.prototype.forEach.call(svg.querySelectorAll("g.node, g.edge"), function (g) {
    var title = g.querySelector("title");
    if (!title) return;
    var key = title.textContent;
    if (g.getAttribute("class").indexOf("edge") >= 0) (edges[key] = edges[key] || []).push(g);
    else nodes[key] = g;
  });
  var boxes = [];
  for (var i = 0; i < count; i++) {
    var g = nodes["v" + i], texts = g.querySelectorAll("text");
    var dataText = texts[texts.length - 2], gradText = texts[texts.length - 1];
    dataText.setAttribute("class", "ag-data");
    gradText.setAttribute("class", "ag-grad");
    g.setAttribute("data-node", String(i));
    boxes.push({g: g, data: dataText, grad: gradText});
  }
  // The edges from parent into child's op (all of them, or the slot-th for a step) and out of it.
  function edgesOf(parent, child, slot) {
    var into = edges["v" + parent + "->v" + child + "op"] || [];
    if (slot !== undefined && slot < into.length) into = [into[slot]];
    return into.concat(edges["v" + child + "op->v" + child] || []);
  }
  function mark(elements, name) {
    elements.forEach(function (e) { if (e) e.classList.add(name); });
  }
  var $ = function (name) { return root.querySelector("." + name); };
  var slider = $("ag-slider"), counter = $("ag-counter"), play = $("ag-play"), speed = $("ag-speed");
  slider.max = String(last);
  var current = 0, timer = null;

  function show(k) {
    current = Math.max(0, Math.min(last, k));
    var known = [], grads = [], partial = [];
    for (var i = 0; i < count; i++) { known.push(false); grads.push(null); partial.push(false); }
    for (var j = 0; j <= current; j++) {
      var f = frames[j];
      if (f[0] === "f") known[f[1]] = true;
      else if (f[0] === "s") grads[f[1]] = f[3];
      else { grads[f[2]] = f[3]; partial[f[2]] = f[4] === 1; }
    }
    Array.prototype.forEach.call(svg.querySelectorAll(".ag-hl, .ag-current, .ag-fresh"), function (e) {
      e.classList.remove("ag-hl", "ag-current", "ag-fresh");
    });
    boxes.forEach(function (box, i) {
      box.data.textContent = known[i] ? "data " + data.values[i] : "data ?";
      box.grad.textContent = grads[i] === null ? "grad ?" : "grad " + grads[i];
      box.g.classList.toggle("ag-unknown", !known[i]);
      box.g.classList.toggle("ag-pending", known[i] && grads[i] === null);
      box.g.classList.toggle("ag-partial", partial[i]);
    });
    var f = frames[current], focus = [];
    if (f[0] === "f") {
      boxes[f[1]].g.classList.add("ag-fresh", "ag-hl");
      focus.push(boxes[f[1]].g, nodes["v" + f[1] + "op"]);
      mark([nodes["v" + f[1] + "op"]], "ag-hl");
      data.parents[f[1]].forEach(function (p) { mark(edgesOf(p, f[1]), "ag-hl"); });
    } else if (f[0] === "s") {
      boxes[f[1]].g.classList.add("ag-current");
      focus.push(boxes[f[1]].g);
    } else {
      mark(edgesOf(f[2], f[1], f[7]).concat([nodes["v" + f[1] + "op"]]), "ag-hl");
      boxes[f[2]].g.classList.add("ag-current");
      focus.push(boxes[f[2]].g, nodes["v" + f[1] + "op"]);
    }
    $("ag-phase").textContent = {f: "forward:", s: "backward, seed:", b: "backward:"}[f[0]];
    $("ag-rule").textContent = f[5];
    $("ag-sum").textContent = f[6];
    counter.textContent = "step " + (current + 1) + " of " + frames.length;
    slider.value = String(current);
    reveal(focus);
  }

  // Scroll the drawing (not the page) so the elements of the current step are in view.
  function reveal(elements) {
    var box = view.getBoundingClientRect();
    elements.forEach(function (e) {
      if (!e) return;
      var r = e.getBoundingClientRect();
      if (r.left < box.left || r.right > box.right) view.scrollLeft += (r.left + r.right - box.left - box.right) / 2;
      if (r.top < box.top || r.bottom > box.bottom) view.scrollTop += (r.top + r.bottom - box.top - box.bottom) / 2;
    });
  }

  var viewBox = svg.viewBox.baseVal, zoom = 1;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  // Zoom 1 fits the drawing to the width of the cell, never larger than its natural
  // size; a tall drawing scrolls inside the view, which follows the current step.
  // Zooming in scrolls both ways (drag to pan).
  function layout() {
    var natural = viewBox.width * 4 / 3, room = view.clientWidth || natural;
    var fit = Math.min(1, room / natural);
    var width = Math.floor(natural * fit * zoom);
    svg.style.width = width + "px";
    svg.style.height = width * viewBox.height / viewBox.width + "px";
  }
  // Zooming in stops at twice the natural size, however small the fitted drawing is.
  function setZoom(z) {
    var fitted = parseFloat(svg.style.width) / zoom, most = Math.max(2, 2 * viewBox.width * 4 / 3 / fitted);
    zoom = Math.max(1, Math.min(most, z)); layout(); show(current);
  }

  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } play.textContent = "play"; }
  function start() {
    if (current >= last) show(0);
    play.textContent = "pause";
    timer = setInterval(function () {
      if (current >= last) stop(); else show(current + 1);
    }, 1000 / parseFloat(speed.value));
  }
  function toggle() { if (timer === null) start(); else stop(); }

  $("ag-first").addEventListener("click", function () { stop(); show(0); });
  $("ag-prev").addEventListener("click", function () { stop(); show(current - 1); });
  $("ag-next").addEventListener("click", function () { stop(); show(current + 1); });
  $("ag-last").addEventListener("click", function () { stop(); show(last); });
  play.addEventListener("click", toggle);
  speed.addEventListener("change", function () { if (timer !== null) { stop(); start(); } });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  $("ag-zoom-in").addEventListener("click", function () { setZoom(zoom * 1.5); });
  $("ag-zoom-out").addEventListener("click", function () { setZoom(zoom / 1.5); });
  $("ag-zoom-fit").addEventListener("click", function () { setZoom(1); });
  root.addEventListener("keydown", function (event) {
    if (event.target.tagName === "SELECT" || event.target.tagName === "INPUT") return;
    var moves = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last};
    if (event.key in moves) { stop(); show(moves[event.key]); }
    else if (event.key === " ") toggle();
    else return;
    event.preventDefault();
  });
  // Drag to pan a zoomed drawing.
  var drag = null;
  view.addEventListener("mousedown", function (event) {
    drag = {x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop};
    view.classList.add("ag-dragging");
  });
  window.addEventListener("mousemove", function (event) {
    if (drag === null) return;
    view.scrollLeft = drag.left - (event.clientX - drag.x);
    view.scrollTop = drag.top - (event.clientY - drag.y);
  });
  window.addEventListener("mouseup", function () { drag = null; view.classList.remove("ag-dragging"); });
  if (window.ResizeObserver) new ResizeObserver(layout).observe(view);
  window.addEventListener("resize", layout);
  layout();
  show(0);
  root.agStepper = {show: show, current: function () { return current; }};
}
