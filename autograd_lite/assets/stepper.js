// The stepper lab: a computation graph drawn in SVG, recomputed in the page and played step by
// step: forward, the seed, every chain-rule step with its local derivative spelled out, and,
// for a page made with parameters, each SGD update, zero_grad and the next iteration.
//
// It needs, defined before it on the page: agOps (the op table in JavaScript, written by
// autograd_lite.formulas), agPanel and agStyle (the controls' markup and stylesheet, from
// autograd_lite.stepper), agHelpers and the number formatting of numbers.js, agLayout of
// layout.js. The graph arrives as JSON (autograd_lite.stepper.Stepper._payload). Names and
// labels are only ever set as text, never parsed as markup.
//
// `element.stepper` is the page's API (documented in autograd_lite/stepper.py).
function agStepper(element) {
  "use strict";
  if (element.stepper) return element.stepper;
  var SVG = "http://www.w3.org/2000/svg";
  var G = JSON.parse(element.querySelector("script.ag-data").textContent);
  var n = G.names.length, P = G.precision, root = G.root;
  var training = G.params.length > 0 && G.lr !== null;
  var $ = function (name) { return element.querySelector("." + name); };
  // The controls and their style come with the script: where no script runs, the element
  // shows only its note. agPanel is the library's own markup, never a label.
  $("ag-live").innerHTML = agPanel;
  if (!document.getElementById("ag-stepper-style")) {
    var sheet = document.createElement("style");
    sheet.id = "ag-stepper-style";
    sheet.textContent = agStyle;
    document.head.appendChild(sheet);
  }

  // ---- the graph -------------------------------------------------------------------
  function decode(v) { return typeof v === "string" ? {inf: Infinity, "-inf": -Infinity, nan: NaN}[v] : v; }
  var index = {}, isParam = [], operandsOf = [], consumers = [];
  for (var i = 0; i < n; i++) { index[G.names[i]] = i; isParam.push(false); consumers.push([]); }
  G.params.forEach(function (p) { isParam[p] = true; });
  G.args.forEach(function (args, i) {
    // Each operand: {node: k} for a Value, {value, text} for a constant kept on the node.
    operandsOf.push(args.map(function (a) {
      return typeof a === "number" ? {node: a} : {value: decode(a[0]), text: a[1]};
    }));
    args.forEach(function (a, j) { if (typeof a === "number") consumers[a].push(i); });
  });
  var leafValues = G.values.map(decode);

  // ---- the engine: forward and backward from the op table ---------------------------
  // For operand j of node i: which derivative template applies, and the operands it reads
  // (a reduction's operands come in groups, one per part: dot's w_i with x_i).
  function term(i, j) {
    var op = agOps[G.ops[i]], count = operandsOf[i].length;
    if (op.kind !== "reduction") return {template: j, fields: operandsOf[i].map(function (_, k) { return k; })};
    var terms = count / op.size, fields = [];
    for (var m = 0; m < op.size; m++) fields.push(m * terms + j % terms);
    return {template: Math.floor(j / terms), fields: fields};
  }
  function operandValue(o, values) { return o.node === undefined ? o.value : values[o.node]; }
  function compute(i, values) {
    var op = agOps[G.ops[i]], args = operandsOf[i].map(function (o) { return operandValue(o, values); });
    if (op.kind !== "reduction") return op.forward.apply(null, args);
    // One term per group (term t's operands are those of operand t's derivative),
    // added left to right from 0.0, as Python's sum(..., 0.0) does.
    var total = 0.0;
    for (var t = 0; t < args.length / op.size; t++) {
      total = total + op.forward.apply(null, term(i, t).fields.map(function (k) { return args[k]; }));
    }
    return total;
  }
  function localGrad(i, j, values) {
    var op = agOps[G.ops[i]], t = term(i, j);
    var args = t.fields.map(function (k) { return operandValue(operandsOf[i][k], values); });
    return op.derivative[t.template].apply(null, args.concat([values[i]]));
  }
  // One pass at the given leaf values: every value, every chain-rule step, every grad.
  function run(leaves) {
    var values = leaves.slice(), grads = [], steps = [];
    for (var i = 0; i < n; i++) {
      grads.push(0.0);
      if (G.ops[i]) values[i] = compute(i, values);
    }
    grads[root] = G.seed;
    for (i = n - 1; i >= 0; i--) {
      if (!G.ops[i]) continue;
      var upstream = grads[i];
      operandsOf[i].forEach(function (o, j) {
        if (o.node === undefined) return;
        var local = localGrad(i, j, values), contribution = local * upstream;
        grads[o.node] = grads[o.node] + contribution;
        steps.push({node: i, operand: j, parent: o.node, local: local, upstream: upstream,
          contribution: contribution, total: grads[o.node]});
      });
    }
    return {values: values, grads: grads, steps: steps};
  }

  // ---- words: the same texts as autograd_lite.trace and autograd_lite.formulas -------------
  var num = function (x) { return agNumber(x, P); };
  function plain(name) { return /^[\w.\[\]#']+$/.test(name); }
  function d(name) { return plain(name) ? name : "(" + name + ")"; }
  function wrap(text, strength, needed) { return strength < needed ? "(" + text + ")" : text; }
  var STRENGTH = {"+": 1, "-": 1, "*": 2, "/": 2, neg: 3, "**": 4, atom: 5};
  function atom(text) { return {s: text, n: text, ss: 5, ns: 5}; }
  function combine(symbol, l, r, strength, leftNeeds, rightNeeds) {
    return {s: wrap(l.s, l.ss, leftNeeds) + symbol + wrap(r.s, r.ss, rightNeeds),
      n: wrap(l.n, l.ns, leftNeeds) + symbol + wrap(r.n, r.ns, rightNeeds), ss: strength, ns: strength};
  }
  // A speaker as formulas._Speaker: the rule in names and in numbers, the reasons, the uses.
  function speaker(fields) {
    var S = {reasons: [], uses: []};
    S.constant = atom;
    S.field = function (key) {
      var f = fields[key];
      if (f.constant) return atom(f.name);
      S.uses.push(key);
      var number = num(f.value);
      return {s: f.name, n: number, ss: plain(f.name) ? 5 : 0, ns: number.charAt(0) === "-" ? 3 : 5};
    };
    S.negate = function (inner) {
      return {s: "-" + wrap(inner.s, inner.ss, 4), n: "-" + wrap(inner.n, inner.ns, 4), ss: 3, ns: 3};
    };
    S.binary = function (symbol, l, r) {
      var strength = STRENGTH[symbol];
      var rightNeeds = Math.max(symbol === "-" || symbol === "/" ? strength + 1 : strength, 4);
      return combine(" " + symbol + " ", l, r, strength, strength, rightNeeds);
    };
    S.power = function (base, exponent) { return combine("**", base, exponent, 4, 5, 4); };
    S.call = function (name, args) {
      return {s: name + "(" + args.map(function (a) { return a.s; }).join(", ") + ")",
        n: name + "(" + args.map(function (a) { return a.n; }).join(", ") + ")", ss: 5, ns: 5};
    };
    S.choose = function (holds, symbol, negated, left, right, body, orelse) {
      var before = S.uses.length, l = left(), r = right();
      if (S.uses.length > before) {
        S.reasons.push((l.s === l.n ? l.s : l.s + " = " + l.n) + " " + (holds ? symbol : negated) + " " + r.n);
      }
      return holds ? body() : orelse();
    };
    return S;
  }
  function sameNumber(a, b) {
    var x = Number(a), y = Number(b);
    return a.trim() !== "" && b.trim() !== "" && !isNaN(x) && !isNaN(y) && x === y;
  }
  function pyFloat(text) { return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^-?(inf|nan)$/.test(text); }
  // formulas.derivative_name: `d tanh(n)/dn` for a function, `d(x1*w1)/dx1` otherwise.
  function derivativeName(expression, operand) {
    return (/^\w+\(.*\)$/.test(expression) ? "d " + expression : "d(" + expression + ")") + "/d" + d(operand);
  }
  // formulas.explain_local: {text, uses} of d(node i)/d(operand j) at `values`.
  function explainLocal(i, j, values) {
    var op = agOps[G.ops[i]], t = term(i, j), fields = {_out: {name: G.names[i], value: values[i]}};
    var names = operandsOf[i].map(function (o) { return o.node === undefined ? o.text : G.names[o.node]; });
    var args = [];
    t.fields.forEach(function (k, slot) {
      var o = operandsOf[i][k], v = operandValue(o, values);
      fields["_a" + slot] = {name: names[k], value: v, constant: o.node === undefined};
      args.push(v);
    });
    var S = speaker(fields), words = op.words[t.template].apply(null, [S].concat(args, [values[i]]));
    var value = num(op.derivative[t.template].apply(null, args.concat([values[i]])));
    var parts = [derivativeName(G.exprs[i], names[j])];
    [words.s, words.n, value].forEach(function (part) {
      var last = parts[parts.length - 1];
      if (part !== last && !(pyFloat(part) && pyFloat(last) && sameNumber(part, last))) parts.push(part);
    });
    var reasons = S.reasons.filter(function (r) { return r; }).join(", ");
    var uses = [];
    S.uses.forEach(function (key) {
      var node = key === "_out" ? i : operandsOf[i][t.fields[parseInt(key.slice(2), 10)]].node;
      if (uses.indexOf(node) < 0) uses.push(node);
    });
    return {text: parts.join(" = ") + (reasons ? " because " + reasons : ""), lhs: parts[0], uses: uses};
  }
  // A forward frame's words: `n = x1*w1 + b = -6.0000 + 6.8814 = 0.8814`.
  function forwardText(i, values) {
    var name = G.names[i];
    if (!G.ops[i]) return name + " = " + num(values[i]) + (isParam[i] ? " (parameter)" : " (leaf)");
    var numbers = G.forward[i].map(function (part) {
      if (typeof part !== "number") return part;
      var o = operandsOf[i][part];
      return o.node === undefined ? o.text : num(values[o.node]);
    });
    var parts = [name], s = G.exprs[i], v = numbers.join("");
    // A long expression in names says less than the node's name and the numbers.
    if (s.replace(/ /g, "") !== name.replace(/ /g, "") && s.length <= 60) parts.push(s);
    if (v !== s) parts.push(v);
    parts.push(num(values[i]));
    return parts.join(" = ");
  }
  function chainText(step, local) {
    var R = d(G.names[root]);
    return "d" + R + "/d" + d(G.names[step.parent]) + " += d" + R + "/d" + d(G.names[step.node]) + " * " +
      local.lhs + " = " + num(step.upstream) + " * " + num(step.local) + " = " + num(step.contribution);
  }

  // ---- iterations: the pass, then SGD updates ----------------------------------------
  var lr = training ? G.lr : null, zeroGrad = true, sampleChoice = G.samples.length ? 0 : null;
  var history = [G.params.map(function (p) { return leafValues[p]; })];  // params at each iteration's start
  var carried = [G.params.map(function () { return 0.0; })];             // param grads before its backward
  var passes = [];                                                       // cached runs
  var failure = null;
  function sampleOf(k) {
    if (!G.samples.length) return null;
    return sampleChoice === "all" ? G.samples[k % G.samples.length] : G.samples[sampleChoice];
  }
  function leavesOf(k) {
    var leaves = leafValues.slice(), sample = sampleOf(k);
    if (sample) Object.keys(sample).forEach(function (key) { leaves[parseInt(key, 10)] = decode(sample[key]); });
    G.params.forEach(function (p, q) { leaves[p] = history[k][q]; });
    return leaves;
  }
  function pass(k) {
    if (!passes[k]) {
      var r = run(leavesOf(k));
      r.totals = G.params.map(function (p, q) { return carried[k][q] + r.grads[p]; });
      r.after = G.params.map(function (p, q) { return history[k][q] - lr * r.totals[q]; });
      passes[k] = r;
    }
    return passes[k];
  }
  // Make sure iteration k exists (the learner played past the last one).
  function reach(k) {
    while (history.length <= k) {
      var last = history.length - 1, r = pass(last);
      if (!r.after.every(isFinite)) throw agMathError("OverflowError", "iteration " + (last + 1) + " diverged: a parameter is no longer finite");
      history.push(r.after.slice());
      carried.push(zeroGrad ? G.params.map(function () { return 0.0; }) : r.totals.slice());
      pass(last + 1);
    }
  }
  // Forget everything after iteration k (a value, lr, zero_grad or the sample changed).
  function truncate(k) {
    history.length = k + 1; carried.length = k + 1; passes.length = k;
  }
  // One backward step per edge, as the Python sweep takes them: known from the graph alone.
  var STEPS = consumers.reduce(function (total, c) { return total + c.length; }, 0);
  var FORWARD = n, SEED = n, BACKWARD = n + 1, UPDATES = n + 1 + STEPS;
  var PER = UPDATES + (training ? G.params.length + 1 : 0);
  function where(g) { return {iteration: Math.floor(g / PER), local: g % PER}; }
  function frameCount() { return training ? history.length * PER : PER; }

  // What frame g shows: the phase, the nodes in play, and its words.
  function frame(g) {
    var w = where(g), k = w.iteration, f = w.local, r = pass(k);
    if (f < FORWARD) {
      var node = G.reading[f];
      return {phase: "forward", node: node, text: [forwardText(node, r.values)], iteration: k};
    }
    var R = d(G.names[root]);
    if (f === SEED) return {phase: "seed", node: root, text: ["d" + R + "/d" + R + " = " + num(G.seed)], iteration: k};
    if (f < UPDATES) {
      var s = r.steps[f - BACKWARD], local = explainLocal(s.node, s.operand, r.values);
      var text = [local.text, chainText(s, local)], sum = sumText(r, f - BACKWARD);
      if (sum) text.push(sum);
      return {phase: "backward", node: s.node, parent: s.parent, operand: s.operand, supply: local.uses, text: text, iteration: k};
    }
    var q = f - UPDATES;
    if (q < G.params.length) {
      var p = G.params[q], name = G.names[p];
      return {phase: "update", node: p, iteration: k, text: [
        name + " \u2190 " + name + " - lr * d" + R + "/d" + d(name) + " = " + num(history[k][q]) + " - " +
        agConstant(lr) + " * " + num(r.totals[q]) + " = " + num(r.after[q])]};
    }
    return {phase: "zero_grad", node: null, iteration: k, text: [zeroGrad ?
      "zero_grad(): every parameter's grad is set to 0, so the next backward starts afresh" :
      "zero_grad skipped: the next backward adds its grads to these (the accumulation bug)"]};
  }
  // How a grad that several steps add up to stands after step s (Stepper's running sum).
  function sumText(r, s) {
    // A node gets one contribution per edge out of it.
    var step = r.steps[s], arrivals = consumers[step.parent].length, terms = [];
    for (var k = 0; k <= s; k++) if (r.steps[k].parent === step.parent) terms.push(num(r.steps[k].contribution));
    if (arrivals < 2) return "";
    var total = num(step.total), running = terms.length === 1 ? total : terms.join(" + ") + " = " + total;
    if (terms.length < arrivals) running += " so far";
    return "d" + d(G.names[root]) + "/d" + d(G.names[step.parent]) + " = " + running +
      " (" + terms.length + " of " + arrivals + " contributions)";
  }
  // Every node's value (null: not computed yet) and grad (null: not reached) at frame g.
  function stateAt(g) {
    var w = where(g), k = w.iteration, f = w.local, r = pass(k), values = [], grads = [], partial = [];
    var seen = [];
    for (var i = 0; i < n; i++) { values.push(null); grads.push(null); partial.push(false); seen.push(0); }
    var shownValues = Math.min(f + 1, FORWARD);
    for (i = 0; i < shownValues; i++) values[G.reading[i]] = r.values[G.reading[i]];
    if (f >= FORWARD) for (i = 0; i < n; i++) values[i] = r.values[i];
    var carriedGrads = {};
    G.params.forEach(function (p, q) { if (carried[k][q] !== 0) carriedGrads[p] = carried[k][q]; });
    if (f >= SEED) grads[root] = G.seed;
    var done = Math.min(f, UPDATES - 1) - BACKWARD;
    for (var s = 0; s <= done; s++) { var t = r.steps[s]; grads[t.parent] = t.total; seen[t.parent]++; }
    for (i = 0; i < n; i++) partial[i] = seen[i] > 0 && seen[i] < consumers[i].length;
    // Without zero_grad, a parameter's grad is what backward adds to the one it already had.
    Object.keys(carriedGrads).forEach(function (p) {
      if (grads[p] === null) grads[p] = carriedGrads[p]; else grads[p] += carriedGrads[p];
    });
    var params = history[k].slice();
    if (f >= UPDATES) {
      for (var q = 0; q < Math.min(f - UPDATES + 1, G.params.length); q++) params[q] = r.after[q];
      G.params.forEach(function (p, q) { values[p] = params[q]; });
      if (f === PER - 1 && zeroGrad) G.params.forEach(function (p) { grads[p] = 0.0; });
    }
    return {values: values, grads: grads, partial: partial, params: params, pass: r};
  }
  function lossAt(k) { return pass(k).values[root]; }

  // ---- drawing -----------------------------------------------------------------------
  var view = element.querySelector(".ag-view"), uid = element.id;
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "14px Helvetica, Arial, sans-serif";
  function textWidth(text) { return measure.measureText(text).width; }
  // The first line of a box (its name) is bold, and wider.
  function nameWidth(text) {
    measure.font = "bold 14px Helvetica, Arial, sans-serif";
    var width = measure.measureText(text).width;
    measure.font = "14px Helvetica, Arial, sans-serif";
    return width;
  }
  var folded = {}, focusOn = null, items = {}, edges = {}, svg = null, zoom = 1;
  G.groups.forEach(function (group) { folded[group.path] = G.fold === "neurons" && group.leaf; });
  var groupOf = [];  // innermost group of each node, or -1
  for (i = 0; i < n; i++) groupOf.push(-1);
  // Groups come outer first, so the last group holding a node is its innermost.
  G.groups.forEach(function (group, q) { group.members.forEach(function (m) { groupOf[m] = q; }); });
  // The box that shows node i now: its own, its outermost folded group's, or none (focus).
  function boxOf(i) {
    var q = groupOf[i], shown = "v" + i;
    while (q >= 0) {
      if (folded[G.groups[q].path]) shown = "g" + q;
      q = G.groups[q].parent === null ? -1 : groupIndex[G.groups[q].parent];
    }
    if (focusOn !== null && !focusSet[i]) return null;
    return shown;
  }
  var groupIndex = {};
  G.groups.forEach(function (group, q) { groupIndex[group.path] = q; });
  var focusSet = null;
  function setFocus(i) {
    focusOn = i;
    if (i === null) { focusSet = null; return; }
    // The node, and every path from it to the root.
    focusSet = {}; var stack = [i];
    while (stack.length) {
      var k = stack.pop();
      if (focusSet[k]) continue;
      focusSet[k] = true;
      consumers[k].forEach(function (c) { stack.push(c); });
    }
  }
  function el(name, attributes, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { e.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  var LINE = 18;
  function draw() {
    var keys = [], lookup = {}, boxes = [], links = [], linkKeys = [];
    function add(key, box) { if (lookup[key] === undefined) { lookup[key] = keys.length; keys.push(key); boxes.push(box); } return lookup[key]; }
    for (var i = 0; i < n; i++) {
      var key = boxOf(i);
      if (key === null) continue;
      if (key.charAt(0) === "g") {
        var group = G.groups[parseInt(key.slice(1), 10)];
        add(key, {kind: "group", group: group, w: Math.max(nameWidth(group.label), 130) + 18, h: 3 * LINE + 10});
        continue;
      }
      add(key, {kind: "value", node: i, w: Math.max(nameWidth(G.names[i]), textWidth("grad -0000.0000"), 70) + 18, h: 3 * LINE + 10});
      if (G.ops[i]) {
        var label = G.opLabels[i];
        var op = add("o" + i, {kind: "op", node: i, w: Math.max(textWidth(label) + 22, 40), h: 28});
        links.push([op, lookup[key]]); linkKeys.push("o" + i + ">v" + i);
      }
    }
    // Edges into each op from the boxes that show its operands; into a group from outside.
    for (i = 0; i < n; i++) {
      var into = lookup[boxOf(i) === "v" + i ? "o" + i : boxOf(i)];
      if (!G.ops[i] || into === undefined) continue;
      var slots = {};
      operandsOf[i].forEach(function (o) {
        if (o.node === undefined) return;
        var from = boxOf(o.node);
        if (from === null || from === boxOf(i)) return;
        var k = lookup[from], key = from + ">" + keys[into];
        slots[key] = (slots[key] || 0) + 1;
        if (keys[into].charAt(0) === "g" && slots[key] > 1) return;
        links.push([k, into]); linkKeys.push(key + "#" + (slots[key] - 1));
      });
    }
    var direction = G.rankdir;
    var laid = agLayout({nodes: boxes, edges: links, direction: direction});
    view.textContent = "";
    svg = el("svg", {viewBox: "0 0 " + laid.width + " " + laid.height, "class": "ag-graph", role: "img"}, view);
    var defs = el("defs", {}, svg), marker = el("marker", {id: uid + "-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z"}, marker);
    edges = {};
    laid.edges.forEach(function (points, e) {
      var d = "M " + points[0] + " " + points[1];
      for (var p = 2; p < points.length; p += 2) d += " L " + points[p] + " " + points[p + 1];
      var path = el("path", {d: d, "class": "ag-edge", "marker-end": "url(#" + uid + "-arrow)"}, svg);
      edges[linkKeys[e]] = path;
    });
    items = {};
    boxes.forEach(function (box, b) {
      var c = laid.nodes[b], g = el("g", {"class": "ag-item ag-" + box.kind, transform: "translate(" + c.x + "," + c.y + ")"}, svg);
      var key = keys[b];
      items[key] = {g: g, box: box};
      if (box.kind === "op") {
        el("ellipse", {rx: box.w / 2, ry: box.h / 2}, g);
        var t = el("text", {y: 5}, g); t.textContent = G.opLabels[box.node];
        return;
      }
      el("rect", {x: -box.w / 2, y: -box.h / 2, width: box.w, height: box.h, rx: 4}, g);
      var lines = [];
      for (var l = 0; l < 3; l++) lines.push(el("text", {y: -box.h / 2 + 18 + l * LINE}, g));
      lines[0].setAttribute("class", "ag-name");
      lines[1].setAttribute("class", "ag-data");
      lines[2].setAttribute("class", "ag-grad");
      items[key].lines = lines;
      if (box.kind === "group") {
        lines[0].textContent = box.group.label;
        g.setAttribute("data-group", box.group.path);
        var title = el("title", {}, g); title.textContent = "click to unfold " + box.group.path;
      } else {
        lines[0].textContent = G.names[box.node];
        g.setAttribute("data-node", G.names[box.node]);
        var kind = box.node === root ? "ag-root" : isParam[box.node] ? "ag-param" : !G.ops[box.node] ? "ag-leaf" : "ag-interior";
        g.classList.add(kind);
        if (!G.ops[box.node]) { var tip = el("title", {}, g); tip.textContent = "click to edit " + G.names[box.node] + ", drag sideways to scrub"; }
      }
    });
    layoutSize();
    if (current !== null) paint(current);
  }
  // The loss curve sits beside the drawing, or, in a narrow cell, at the end of the
  // training controls: never between the drawing and the words of the step.
  var lossBox = $("ag-loss"), body = $("ag-body"), trainingRow = $("ag-training");
  function placeLoss() {
    var place = element.clientWidth < 700 ? trainingRow : body;
    if (lossBox.parentNode !== place) place.appendChild(lossBox);
  }
  function layoutSize() {
    placeLoss();
    if (!svg) return;
    var box = svg.viewBox.baseVal, room = view.clientWidth || box.width;
    // Never below 10 px text (14 px * 0.72): a big drawing scrolls instead.
    var fit = Math.max(Math.min(1, room / box.width), 0.72);
    svg.style.width = Math.floor(box.width * fit * zoom) + "px";
    svg.style.height = Math.floor(box.height * fit * zoom) + "px";
  }

  // ---- showing a frame ---------------------------------------------------------------
  var current = null, painted = {};
  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }
  function paint(g) {
    var state = stateAt(g), f = frame(g);
    Object.keys(painted).forEach(function (key) { painted[key].classList.remove("ag-hl", "ag-current", "ag-supply", "ag-fresh"); });
    painted = {};
    function mark(key, name) { var it = items[key] ? items[key].g : edges[key]; if (it) { it.classList.add(name); painted[key + name] = it; } }
    Object.keys(items).forEach(function (key) {
      var it = items[key];
      if (!it.lines) return;
      if (it.box.kind === "group") {
        // One output: its data and grad; several (a module called on many samples):
        // the first two of each.
        var outs = it.box.group.outputs;
        function few(known) {
          var shown = outs.slice(0, 2).map(function (o) { return known[o] === null ? "?" : num(known[o]); });
          return shown.join(", ") + (outs.length > 2 ? ", …" : "");
        }
        setText(it.lines[1], "data " + few(state.values));
        setText(it.lines[2], "grad " + few(state.grads));
        it.g.classList.toggle("ag-unknown", state.values[outs[0]] === null);
        return;
      }
      var i = it.box.node;
      setText(it.lines[1], state.values[i] === null ? "data ?" : "data " + num(state.values[i]));
      setText(it.lines[2], state.grads[i] === null ? "grad ?" : "grad " + num(state.grads[i]));
      it.g.classList.toggle("ag-unknown", state.values[i] === null);
      it.g.classList.toggle("ag-pending", state.values[i] !== null && state.grads[i] === null);
      it.g.classList.toggle("ag-partial", state.partial[i]);
    });
    var focus = [];
    function box(i) { return boxOf(i); }
    if (f.phase === "forward") {
      mark(box(f.node), "ag-fresh"); mark(box(f.node), "ag-hl"); focus.push(box(f.node));
      if (G.ops[f.node]) {
        mark("o" + f.node, "ag-hl"); mark("o" + f.node + ">v" + f.node, "ag-hl");
        operandsOf[f.node].forEach(function (o) {
          if (o.node !== undefined) for (var s = 0; s < 3; s++) mark(box(o.node) + ">o" + f.node + "#" + s, "ag-hl");
        });
      }
    } else if (f.phase === "seed" || f.phase === "update") {
      mark(box(f.node), "ag-current"); focus.push(box(f.node));
    } else if (f.phase === "backward") {
      var slot = 0;
      var steps = state.pass.steps, s0 = where(g).local - BACKWARD;
      for (var k = 0; k < s0; k++) if (steps[k].node === f.node && steps[k].parent === f.parent) slot++;
      mark(box(f.parent) + ">o" + f.node + "#" + slot, "ag-hl");
      mark(box(f.parent) + ">" + box(f.node) + "#0", "ag-hl");
      mark("o" + f.node, "ag-hl"); mark("o" + f.node + ">v" + f.node, "ag-hl");
      f.supply.forEach(function (i) { mark(box(i), "ag-supply"); });
      mark(box(f.parent), "ag-current");
      focus.push(box(f.parent), "o" + f.node);
    }
    var phase = {forward: "forward", seed: "backward, the seed", backward: "backward", update: "SGD update", zero_grad: "zero_grad"}[f.phase];
    setText($("ag-phase"), (training ? "iteration " + (f.iteration + 1) + " \u00b7 " : "") + phase);
    var lines = $("ag-lines");
    while (lines.children.length < f.text.length) lines.appendChild(document.createElement("div"));
    Array.prototype.forEach.call(lines.children, function (line, k) {
      setText(line, k < f.text.length ? f.text[k] : "");
      line.className = f.phase === "backward" ? ["ag-local", "ag-chain", "ag-sum"][k] : "ag-chain";
    });
    setText($("ag-counter"), "step " + (g + 1) + " of " + frameCount());
    var slider = $("ag-slider");
    slider.max = String(frameCount() - 1);
    slider.value = String(g);
    showTable(g, state);
    showLoss(f.iteration);
    reveal(focus);
  }
  function show(g) {
    if (failure) { failure = null; setText($("ag-message"), ""); }
    var target = Math.max(0, g);
    if (training) {
      try { reach(where(target).iteration); } catch (error) { target = frameCount() - 1; say(error); }
    }
    current = Math.min(target, frameCount() - 1);
    paint(current);
  }
  function say(error) { failure = error; setText($("ag-message"), error.message); }
  // Scroll the drawing (not the page) so the boxes of the current step are in view.
  function reveal(keys) {
    var frameBox = view.getBoundingClientRect();
    keys.forEach(function (key) {
      var it = items[key];
      if (!it) return;
      var r = it.g.getBoundingClientRect();
      if (r.left < frameBox.left || r.right > frameBox.right) view.scrollLeft += (r.left + r.right - frameBox.left - frameBox.right) / 2;
      if (r.top < frameBox.top || r.bottom > frameBox.bottom) view.scrollTop += (r.top + r.bottom - frameBox.top - frameBox.bottom) / 2;
    });
  }
  // At the end of backward: every leaf's gradient; a row jumps to the last step into it.
  function showTable(g, state) {
    var table = $("ag-table"), w = where(g);
    if (w.local !== UPDATES - 1) { table.style.display = "none"; return; }
    table.style.display = "";
    table.textContent = "";
    var head = document.createElement("tr");
    ["leaf", "data", "d" + d(G.names[root]) + "/d(leaf)", "its last step"].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    });
    table.appendChild(head);
    var lastInto = [];
    state.pass.steps.forEach(function (s, k) { lastInto[s.parent] = k; });
    for (var i = 0; i < n; i++) {
      if (G.ops[i]) continue;
      var last = lastInto[i] === undefined ? -1 : lastInto[i];
      var row = document.createElement("tr");
      [G.names[i], num(state.values[i]), num(state.grads[i] === null ? 0 : state.grads[i]), last < 0 ? "-" : "step " + (w.iteration * PER + BACKWARD + last + 1)].forEach(function (text) {
        var td = document.createElement("td"); td.textContent = text; row.appendChild(td);
      });
      if (last >= 0) {
        row.classList.add("ag-jump");
        row.setAttribute("data-step", String(w.iteration * PER + BACKWARD + last));
      }
      table.appendChild(row);
    }
  }
  // The loss over the iterations played so far, as a small line chart.
  function showLoss(k) {
    var box = $("ag-loss");
    if (!training) { box.style.display = "none"; return; }
    box.style.display = "";
    var losses = [];
    // Iteration k's loss counts once its forward pass has computed it.
    var through = where(current).local >= FORWARD - 1 ? k : k - 1;
    for (var t = 0; t <= through && t < history.length; t++) losses.push(lossAt(t));
    var width = 180, height = 95, chart = box.querySelector("svg") || el("svg", {viewBox: "0 0 " + width + " " + height}, box);
    chart.textContent = "";
    var finite = losses.filter(isFinite), top = Math.max.apply(null, finite.concat([1e-12])), bottom = Math.min.apply(null, finite.concat([0]));
    var points = losses.map(function (v, t) {
      var x = 10 + (losses.length > 1 ? t * (width - 20) / (losses.length - 1) : 0);
      var y = height - 10 - (isFinite(v) ? (v - bottom) / (top - bottom || 1) * (height - 30) : 0);
      return [x, y];
    });
    el("polyline", {points: points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "), "class": "ag-curve"}, chart);
    // Dots while there are few iterations, so that one point shows too.
    if (points.length <= 30) points.forEach(function (p) { el("circle", {cx: p[0], cy: p[1], r: 2.5}, chart); });
    var label = el("text", {x: 6, y: 13}, chart);
    label.textContent = losses.length ? G.names[root] + " = " + num(losses[losses.length - 1]) + " (iteration " + losses.length + ")" : "the loss of each iteration";
  }

  // ---- editing, checking, training -----------------------------------------------------
  function find(name) {
    if (typeof name !== "string" || !(name in index)) {
      throw new RangeError("no value named " + JSON.stringify(name) + " in this graph; names() lists them");
    }
    return index[name];
  }
  function iterationNow() { return current === null ? 0 : where(current).iteration; }
  function setValue(name, value) {
    var i = find(name), x = Number(value);
    if (G.ops[i]) throw new TypeError(name + " is computed from other values; only a leaf can be set");
    if (typeof value === "boolean" || value === null || value === "" || x !== x || !isFinite(x)) {
      throw new TypeError("set(" + JSON.stringify(name) + ", value): expected a finite number, got " + JSON.stringify(value));
    }
    var k = iterationNow(), q = G.params.indexOf(i), sample = sampleOf(k);
    var old = q >= 0 ? history[k][q] : sample && String(i) in sample ? sample[String(i)] : leafValues[i];
    function put(v) {
      if (q >= 0) history[k][q] = v;
      else if (sample && String(i) in sample) sample[String(i)] = v;
      else leafValues[i] = v;
      truncate(k);
    }
    put(x);
    try { pass(k); } catch (error) { put(old); pass(k); throw error; }
    show(current === null ? 0 : current);
  }
  // The loss at the current iteration with leaf i moved to x (for the central difference).
  function lossWith(i, x) {
    var k = iterationNow(), leaves = leavesOf(k);
    leaves[i] = x;
    return run(leaves).values[root];
  }
  function check(name) {
    var i = find(name), k = iterationNow(), r = pass(k), x = leavesOf(k)[i];
    var h = 1e-6 * Math.max(1, Math.abs(x));
    var numeric = (lossWith(i, x + h) - lossWith(i, x - h)) / (2 * h) * G.seed;
    return {analytic: r.grads[i], numeric: numeric, h: h};
  }
  function train(iterations, rate) {
    if (!training) throw new TypeError("train(): this page was made without parameters (pass params= and lr=)");
    if (typeof iterations !== "number" || iterations < 0 || Math.floor(iterations) !== iterations) {
      throw new TypeError("train(iterations): expected a whole number >= 0, got " + JSON.stringify(iterations));
    }
    if (rate !== undefined) setRate(rate);
    var start = iterationNow(), losses = [];
    reach(start + iterations);
    for (var k = start; k < start + iterations; k++) losses.push(lossAt(k));
    show((start + iterations) * PER);
    return losses;
  }
  function setRate(rate) {
    var x = Number(rate);
    if (typeof rate === "boolean" || rate === null || rate === "" || !isFinite(x) || x < 0) {
      throw new TypeError("lr: expected a finite number >= 0, got " + JSON.stringify(rate));
    }
    lr = x; $("ag-lr").value = String(x);
    truncate(iterationNow()); passes.length = 0;
  }

  // ---- controls ------------------------------------------------------------------------
  element.querySelector(".ag-note").style.display = "none";
  $("ag-live").style.display = "";
  var title = $("ag-title");
  title.textContent = G.title;
  if (!training) $("ag-training").style.display = "none";
  else {
    $("ag-lr").value = String(lr);
    var choose = $("ag-sample");
    if (!G.samples.length) choose.style.display = "none";
    G.samples.forEach(function (_, k) { var o = document.createElement("option"); o.value = String(k); o.textContent = "example " + (k + 1); choose.appendChild(o); });
    if (G.samples.length) { var all = document.createElement("option"); all.value = "all"; all.textContent = "SGD over all " + G.samples.length; choose.appendChild(all); }
  }
  var timer = null, play = $("ag-play"), speed = $("ag-speed");
  var last = function () { return training ? (iterationNow() + 1) * PER - 1 : frameCount() - 1; };
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } play.textContent = "play"; }
  function start() {
    if (!training && current >= last()) show(0);
    play.textContent = "pause";
    timer = setInterval(function () {
      if (!training && current >= last()) stop(); else show(current + 1);
      if (failure) stop();
    }, 1000 / parseFloat(speed.value));
  }
  function on(name, event, handler) { $(name).addEventListener(event, handler); }
  on("ag-first", "click", function () { stop(); show(0); });
  on("ag-prev", "click", function () { stop(); show(current - 1); });
  on("ag-next", "click", function () { stop(); show(current + 1); });
  on("ag-last", "click", function () { stop(); show(last()); });
  on("ag-play", "click", function () { if (timer === null) start(); else stop(); });
  on("ag-speed", "change", function () { if (timer !== null) { stop(); start(); } });
  on("ag-slider", "input", function () { stop(); show(parseInt($("ag-slider").value, 10)); });
  on("ag-zoom-in", "click", function () { zoom = Math.min(4, zoom * 1.5); layoutSize(); });
  on("ag-zoom-out", "click", function () { zoom = Math.max(0.25, zoom / 1.5); layoutSize(); });
  on("ag-zoom-fit", "click", function () { zoom = 1; layoutSize(); });
  on("ag-fold-all", "click", function () { G.groups.forEach(function (gr) { folded[gr.path] = gr.leaf; }); draw(); });
  on("ag-unfold-all", "click", function () { folded = {}; draw(); });
  on("ag-unfocus", "click", function () { setFocus(null); $("ag-unfocus").style.display = "none"; draw(); });
  if (!G.groups.length) { $("ag-fold-all").style.display = "none"; $("ag-unfold-all").style.display = "none"; }
  on("ag-lr", "change", function () { try { setRate($("ag-lr").value); show(current); } catch (error) { say(error); } });
  on("ag-zero-grad", "change", function () { zeroGrad = $("ag-zero-grad").checked; truncate(iterationNow()); show(current); });
  on("ag-sample", "change", function () {
    var v = $("ag-sample").value;
    sampleChoice = v === "all" ? "all" : parseInt(v, 10);
    truncate(iterationNow()); passes.length = 0; show(current);
  });
  on("ag-table", "click", function (event) {
    var row = event.target.closest("tr.ag-jump");
    if (row) { stop(); show(parseInt(row.getAttribute("data-step"), 10)); }
  });
  // The editor of the selected leaf: type a value, or check the gradient numerically.
  var selected = null;
  function select(i) {
    selected = i;
    var editor = $("ag-editor");
    editor.style.display = "";
    setText($("ag-editing"), G.names[i] + " =");
    // Twelve significant digits fit the field and say more than the page shows.
    $("ag-number").value = String(Number(leavesOf(iterationNow())[i].toPrecision(12)));
    setText($("ag-check-result"), "");
    $("ag-focus").style.display = "";
  }
  function commit() {
    // Cleared to type anew: wait for the number.
    if ($("ag-number").value.trim() === "") return;
    try { setValue(G.names[selected], $("ag-number").value); } catch (error) { say(error); $("ag-number").value = String(leavesOf(iterationNow())[selected]); }
  }
  on("ag-number", "change", commit);
  on("ag-number", "keydown", function (event) { if (event.key === "Enter") commit(); });
  on("ag-check", "click", function () {
    var c = check(G.names[selected]), R = d(G.names[root]);
    setText($("ag-check-result"), "d" + R + "/d" + d(G.names[selected]) + ": backward gives " + num(c.analytic) +
      ", the central difference (f(x+h) - f(x-h)) / 2h gives " + num(c.numeric) + " with h = " + agConstant(c.h));
  });
  on("ag-focus", "click", function () { setFocus(selected); $("ag-unfocus").style.display = ""; draw(); });
  // Clicks on the drawing: a leaf selects it, a folded group unfolds, a value box folds its group.
  var drag = null;
  view.addEventListener("mousedown", function (event) {
    var target = event.target.closest ? event.target.closest("g.ag-item") : null;
    drag = {x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop, target: target, moved: false};
    var node = target && target.getAttribute("data-node");
    if (node !== null && node !== undefined && !G.ops[index[node]]) {
      drag.leaf = index[node]; drag.start = leavesOf(iterationNow())[index[node]];
    }
    view.classList.add("ag-dragging");
    event.preventDefault();
  });
  window.addEventListener("mousemove", function (event) {
    if (drag === null) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.leaf !== undefined) {
      // Scrub: 1% of the value's size (at least 0.01) per pixel.
      var value = drag.start + dx * 0.01 * Math.max(1, Math.abs(drag.start));
      try { setValue(G.names[drag.leaf], Number(value.toPrecision(6))); select(drag.leaf); } catch (error) { say(error); }
    } else {
      view.scrollLeft = drag.left - dx;
      view.scrollTop = drag.top - dy;
    }
  });
  window.addEventListener("mouseup", function () {
    if (drag === null) return;
    var d0 = drag;
    drag = null;
    view.classList.remove("ag-dragging");
    if (d0.moved || !d0.target) return;
    var group = d0.target.getAttribute("data-group"), node = d0.target.getAttribute("data-node");
    if (group) { folded[group] = false; draw(); }
    else if (node !== null && !G.ops[index[node]]) select(index[node]);
  });
  element.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (tag === "SELECT" || tag === "INPUT") return;
    var moves = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last()};
    if (event.key in moves) { stop(); show(moves[event.key]); }
    else if (event.key === " ") { if (timer === null) start(); else stop(); }
    else return;
    event.preventDefault();
  });
  if (window.ResizeObserver) new ResizeObserver(layoutSize).observe(view);
  draw();
  show(0);

  function groupsList() {
    return G.groups.map(function (gr) { return {path: gr.path, label: gr.label, folded: !!folded[gr.path], members: gr.members.length}; });
  }
  function groupNamed(path) {
    if (!(path in groupIndex)) throw new RangeError("no group " + JSON.stringify(path) + "; groups() lists them");
    return path;
  }
  element.stepper = {
    names: function () { return G.names.slice(); },
    get: function (name) { var i = find(name), s = stateAt(iterationNow() * PER + UPDATES - 1); return {data: s.values[i], grad: s.grads[i]}; },
    set: function (name, value) { setValue(name, value); },
    frames: function () { var all = []; for (var g = 0; g < frameCount(); g++) { var f = frame(g); all.push({phase: f.phase, text: f.text.join("\n")}); } return all; },
    go: function (k) { stop(); show(k); return current; },
    current: function () { return current; },
    text: function () { return frame(current).text.join("\n"); },
    check: check,
    params: function () { var s = stateAt(current), out = {}; G.params.forEach(function (p, q) { out[G.names[p]] = s.params[q]; }); return out; },
    train: train,
    lr: function (rate) { if (rate !== undefined) { setRate(rate); show(current); } return lr; },
    zeroGrad: function (on) { if (on !== undefined) { zeroGrad = !!on; $("ag-zero-grad").checked = zeroGrad; truncate(iterationNow()); show(current); } return zeroGrad; },
    sample: function (k) {
      if (k !== undefined) {
        if (k !== "all" && !(k >= 0 && k < G.samples.length && Math.floor(k) === k)) {
          throw new RangeError("sample(k): expected \"all\" or a whole number from 0 to " + (G.samples.length - 1) + ", got " + JSON.stringify(k));
        }
        sampleChoice = k; $("ag-sample").value = String(k);
        truncate(iterationNow()); passes.length = 0; show(current);
      }
      return sampleChoice;
    },
    groups: groupsList,
    fold: function (path) { folded[groupNamed(path)] = true; draw(); },
    unfold: function (path) { folded[groupNamed(path)] = false; draw(); },
    focus: function (name) { setFocus(name === null ? null : find(name)); draw(); },
    boxes: function () { return Object.keys(items); }
  };
  return element.stepper;
}
