// A layered drawing of a DAG for the stepper page, in the manner of Graphviz's dot: ranks,
// few crossings, straight chains. The page draws the graph itself in SVG (so that it can
// fold groups and redraw when values change), so the layout runs in the page, fast, with
// no library.
//
//   agLayout({nodes: [{w, h}, ...], edges: [[from, to], ...], direction: "LR" | "TB"})
//   -> {width, height, nodes: [{x, y}, ...], edges: [[x0, y0, x1, y1, ...], ...]}
//
// Box centres, and one polyline per input edge in input order: it starts on the border of
// `from`'s box, ends on the border of `to`'s box and never goes back against the flow. The
// same pair may be linked several times (x*x): each copy gets its own route. A cycle or a
// bad index throws an Error.
//
// The steps are Sugiyama's: (1) ranks by longest path, each source pulled up to just before
// its earliest consumer; (2) a chain of dummy points for each edge that spans several ranks,
// so that it can pass between boxes; (3) an order inside each rank from barycenter sweeps,
// keeping the order with the fewest crossings; (4) positions across the ranks by weighted
// least squares under the order and spacing constraints, each item drawn towards the median
// of its neighbours; (5) routes through the dummy points. All of it works on two abstract
// axes, "flow" (the rank axis) and "cross" (inside a rank), swapped at the end for "TB".
// Nothing depends on chance or on hash order: the same input always gives the same drawing.
//
// Long edges make many dummies (a 2,500-node graph can have 60,000), so the steps are small
// functions over typed arrays (the engine optimizes a small function sooner than one big
// body) and allocate nothing per item in their inner loops.
function agLayout(graph) {
  "use strict";
  var GAP = 12;          // between neighbouring boxes in a rank
  var DUMMY_GAP = 6;     // between two long edges passing through a rank side by side
  var RANK_GAP = 44;     // between ranks (at least 40)
  var MARGIN = 12;       // around the drawing
  var PARALLEL = 5;      // between copies of the same edge
  var PORT = 10;         // between edges entering or leaving a box on the same side
  var lr = graph.direction !== "TB", edges = graph.edges, n = graph.nodes.length, m = edges.length;

  // 1. Pairs: the copies of an edge share one pair, so they are ordered and placed together.
  // Sorting the edge indices (not hashing the pair) keeps everything deterministic.
  var pu = [], pv = [], count = [], pairs = 0, pairOf = new Int32Array(m), slot = new Int32Array(m);
  var outs = [], ins = [];
  function pairUp() {
    var byPair = [], e, k;
    for (e = 0; e < m; e++) {
      var a = edges[e][0], b = edges[e][1];
      if (!(a >= 0 && a < n && b >= 0 && b < n && a % 1 === 0 && b % 1 === 0) || a === b) {
        throw new Error("agLayout: bad edge " + e + ": " + JSON.stringify(edges[e]));
      }
      byPair.push(e);
    }
    byPair.sort(function (s, t) { return edges[s][0] - edges[t][0] || edges[s][1] - edges[t][1] || s - t; });
    for (k = 0; k < m; k++) {
      e = byPair[k];
      if (!k || edges[e][0] !== pu[pairs - 1] || edges[e][1] !== pv[pairs - 1]) {
        pu.push(edges[e][0]); pv.push(edges[e][1]); count.push(0); pairs++;
      }
      pairOf[e] = pairs - 1; slot[e] = count[pairs - 1]++;
    }
    for (k = 0; k < n; k++) { outs.push([]); ins.push([]); }
    for (k = 0; k < pairs; k++) { outs[pu[k]].push(k); ins[pv[k]].push(k); }
  }

  // 2. Ranks. Longest path in topological order (Kahn's, queue in index order), then each
  // source moves to one rank before its earliest consumer: a network's second-layer weights
  // sit beside the second layer, not with the inputs at the far left.
  var rank = new Int32Array(n), ranks = n ? 1 : 0;
  function rankNodes() {
    var indegree = new Int32Array(n), queue = [], i, j, k;
    for (i = 0; i < n; i++) { indegree[i] = ins[i].length; if (!indegree[i]) queue.push(i); }
    for (k = 0; k < queue.length; k++) {
      for (j = 0; j < outs[queue[k]].length; j++) {
        var v = pv[outs[queue[k]][j]];
        rank[v] = Math.max(rank[v], rank[queue[k]] + 1);
        if (--indegree[v] === 0) queue.push(v);
      }
    }
    if (queue.length < n) throw new Error("agLayout: the graph has a cycle");
    for (i = 0; i < n; i++) {
      if (!ins[i].length && outs[i].length) {
        var earliest = Infinity;
        for (j = 0; j < outs[i].length; j++) earliest = Math.min(earliest, rank[pv[outs[i][j]]]);
        rank[i] = earliest - 1;
      }
      ranks = Math.max(ranks, rank[i] + 1);
    }
  }

  // 3. Items: the nodes, then the dummies of each pair (one per rank it skips, as wide as its
  // bundle of copies), linked rank to rank in compressed adjacency arrays: the neighbours of
  // item i one rank before are upAdj[upStart[i] .. upStart[i + 1]), weighing upW (copies).
  var items, chainStart, chainLength, rankOf, thick, span, maxDegree = 0;
  var upStart, upAdj, upW, downStart, downAdj, downW;
  function makeItems() {
    var p, i, k;
    chainStart = new Int32Array(pairs); chainLength = new Int32Array(pairs); items = n;
    for (p = 0; p < pairs; p++) {
      chainStart[p] = items; chainLength[p] = Math.max(0, rank[pv[p]] - rank[pu[p]] - 1); items += chainLength[p];
    }
    rankOf = new Int32Array(items); thick = new Float64Array(items); span = new Float64Array(items);
    for (i = 0; i < n; i++) {
      var box = graph.nodes[i];
      rankOf[i] = rank[i]; thick[i] = lr ? box.w : box.h; span[i] = lr ? box.h : box.w;
    }
    var links = pairs + items - n, from = new Int32Array(links), to = new Int32Array(links), w = new Float64Array(links), l = 0;
    for (p = 0; p < pairs; p++) {
      var previous = pu[p];
      for (k = 0; k < chainLength[p]; k++) {
        var d = chainStart[p] + k;
        rankOf[d] = rank[pu[p]] + 1 + k; span[d] = (count[p] - 1) * PARALLEL;
        from[l] = previous; to[l] = d; w[l++] = count[p]; previous = d;
      }
      from[l] = previous; to[l] = pv[p]; w[l++] = count[p];
    }
    upStart = new Int32Array(items + 1); downStart = new Int32Array(items + 1);
    for (l = 0; l < links; l++) { downStart[from[l] + 1]++; upStart[to[l] + 1]++; }
    for (i = 0; i < items; i++) { upStart[i + 1] += upStart[i]; downStart[i + 1] += downStart[i]; }
    upAdj = new Int32Array(links); upW = new Float64Array(links); downAdj = new Int32Array(links); downW = new Float64Array(links);
    var upFill = upStart.slice(0, items), downFill = downStart.slice(0, items);
    for (l = 0; l < links; l++) {
      downAdj[downFill[from[l]]] = to[l]; downW[downFill[from[l]]++] = w[l];
      upAdj[upFill[to[l]]] = from[l]; upW[upFill[to[l]]++] = w[l];
    }
    for (i = 0; i < items; i++) maxDegree = Math.max(maxDegree, upStart[i + 1] - upStart[i] + downStart[i + 1] - downStart[i]);
  }

  // 4. Order inside ranks, kept in `order` (rank after rank, from layerStart; pos is the place
  // inside the rank). Two starts, each a depth-first walk that puts an item in its rank when
  // first reached: up from the sinks, which lays an expression tree out in its own order
  // without a crossing, and down from the sources, which keeps the uses of a shared operand
  // together (x0 feeding both units of a layer). Each then sweeps down and up, sorting each
  // rank by the barycenter of its neighbours in the rank just swept; the order with the
  // fewest crossings wins.
  var layerStart, order, pos, was, keys, tree, endsAt, endsW;
  function walk(fromSinks) {
    var start = fromSinks ? downStart : upStart, next = fromSinks ? upStart : downStart;
    var adj = fromSinks ? upAdj : downAdj, fill = layerStart.slice(0, ranks), seen = new Uint8Array(items), stack = [];
    for (var root = 0; root < n; root++) {
      if (start[root + 1] > start[root]) continue;
      stack.push(root);
      while (stack.length) {
        var it = stack.pop();
        if (seen[it]) continue;
        seen[it] = 1; pos[it] = fill[rankOf[it]] - layerStart[rankOf[it]]; order[fill[rankOf[it]]++] = it;
        for (var z = next[it + 1] - 1; z >= next[it]; z--) if (!seen[adj[z]]) stack.push(adj[z]);
      }
    }
  }
  function sortRank(r, upward) {
    // Items without neighbours on that side keep their slots; the others fill the rest in
    // barycenter order, ties broken by their previous place. Sorting numbers natively is
    // much faster than with a comparator, so each key packs the barycenter (to 1/1024 of a
    // place) above the previous place (below 2^21), which then tells the item.
    var start = upward ? upStart : downStart, adj = upward ? upAdj : downAdj, w = upward ? upW : downW;
    var c = 0, x, z, last = -1, sorted = true, first = layerStart[r], end = layerStart[r + 1];
    for (x = first; x < end; x++) {
      var it = order[x], sum = 0, total = 0;
      was[x - first] = it;
      if (start[it + 1] === start[it]) continue;
      for (z = start[it]; z < start[it + 1]; z++) { sum += w[z] * pos[adj[z]]; total += w[z]; }
      keys[c] = Math.floor(sum / total * 1024) * 2097152 + x - first;
      if (keys[c] < last) sorted = false;
      last = keys[c++];
    }
    if (sorted) return;
    keys.subarray(0, c).sort();
    for (x = first, c = 0; x < end; x++) if (start[was[x - first] + 1] > start[was[x - first]]) order[x] = was[keys[c++] % 2097152];
    for (x = first; x < end; x++) pos[order[x]] = x - first;
  }
  function crossings() {
    // Weighted crossings between each pair of ranks: the inversions of the lower ends of the
    // edges taken in the order of their upper ends, counted with a Fenwick tree (E log V).
    var total = 0, s, x, y, z;
    for (s = 0; s + 1 < ranks; s++) {
      var size = layerStart[s + 2] - layerStart[s + 1], so = 0;
      tree.fill(0, 0, size + 1);
      for (x = layerStart[s]; x < layerStart[s + 1]; x++) {
        var it = order[x], degree = downStart[it + 1] - downStart[it], d0 = downStart[it];
        if (degree <= 8) {   // the lower ends by position: insertion sort for a few,
          for (y = 0; y < degree; y++) {
            var q = pos[downAdj[d0 + y]] + 1, w = downW[d0 + y];
            for (z = y; z > 0 && endsAt[z - 1] > q; z--) { endsAt[z] = endsAt[z - 1]; endsW[z] = endsW[z - 1]; }
            endsAt[z] = q; endsW[z] = w;
          }
        } else {             // a native sort of packed keys (as in sortRank) for many
          for (y = 0; y < degree; y++) keys[y] = (pos[downAdj[d0 + y]] + 1) * 2097152 + y;
          keys.subarray(0, degree).sort();
          for (y = 0; y < degree; y++) { endsAt[y] = Math.floor(keys[y] / 2097152); endsW[y] = downW[d0 + keys[y] % 2097152]; }
        }
        for (y = 0; y < degree; y++) {
          var below = 0;
          for (z = endsAt[y]; z > 0; z -= z & -z) below += tree[z];
          total += endsW[y] * (so - below);
          for (z = endsAt[y]; z <= size; z += z & -z) tree[z] += endsW[y];
          so += endsW[y];
        }
      }
    }
    return total;
  }
  function orderRanks() {
    var r, x, best = null, fewest = Infinity;
    layerStart = new Int32Array(ranks + 1); order = new Int32Array(items); pos = new Int32Array(items);
    was = new Int32Array(items); keys = new Float64Array(items); tree = new Float64Array(items + 1);
    endsAt = new Int32Array(maxDegree); endsW = new Float64Array(maxDegree);
    for (x = 0; x < items; x++) layerStart[rankOf[x] + 1]++;
    for (r = 0; r < ranks; r++) layerStart[r + 1] += layerStart[r];
    for (var attempt = 0; attempt < 2 && fewest > 0; attempt++) {
      walk(attempt === 0);
      var now = crossings(), mine = now, stale = 0;
      if (now < fewest) { fewest = now; best = order.slice(); }
      for (var sweep = 0; sweep < 8 && now > 0 && stale < 2; sweep++) {
        if (sweep % 2 === 0) for (r = 1; r < ranks; r++) sortRank(r, true);
        else for (r = ranks - 2; r >= 0; r--) sortRank(r, false);
        now = crossings();
        if (now < mine) { mine = now; stale = 0; } else stale++;
        if (now < fewest) { fewest = now; best = order.slice(); }
      }
    }
    if (best) order = best;
    for (r = 0; r < ranks; r++) for (x = layerStart[r]; x < layerStart[r + 1]; x++) pos[order[x]] = x - layerStart[r];
  }

  // 5. Cross coordinates. For one rank, putting each item as near as possible to a target
  // (the median of its neighbours) while keeping the order and the spacing is an isotonic
  // regression once the spacing (`offset`) is subtracted: pool-adjacent-violators solves it
  // exactly in linear time. One pass down from the packed ranks, then passes towards both
  // sides, rank by rank down and up, straighten chains and centre a node between its
  // operands. (Alternating passes towards one side only, as Sugiyama's priority method does,
  // spread the drawing further at every pass.) Dummies weigh more, so long edges stay
  // straight; an item with no neighbour to aim at barely resists its neighbours.
  var cross, offset, near, blockW, blockSum, blockFirst;
  function median(c) {
    if (c <= 2) return (near[0] + near[c - 1]) / 2;
    near.subarray(0, c).sort();
    return c % 2 ? near[c >> 1] : (near[(c >> 1) - 1] + near[c >> 1]) / 2;
  }
  // A link a -> b where a has no other consumer and b no other operand (an op and its
  // result, n -> tanh -> o, the dummies of a long edge) is a chain. When balancing, b follows
  // a, weighing as much as a dummy against its neighbours in the rank, and a ignores b. When
  // b cannot follow (its rank is full), a last pass up moves a to b if a's rank has room:
  // an op stays level with its result, its operands fanning in. Sources give way to
  // everything else: they cannot be level with an op that sits between them and another
  // operand anyway.
  function leads(it) {
    return downStart[it + 1] - downStart[it] === 1 && upStart[downAdj[downStart[it]] + 1] - upStart[downAdj[downStart[it]]] === 1;
  }
  function place(r, mode) {
    // mode -1: towards the rank before; 0: balance, each side's median counting half (an op
    // then sits between its operands, not level with one of them); 1: chains settle.
    var top = 0, x, z;
    for (x = layerStart[r]; x < layerStart[r + 1]; x++) {
      var it = order[x], ups = upStart[it + 1] - upStart[it], downs = mode < 0 ? 0 : downStart[it + 1] - downStart[it];
      var w = it >= n ? 4 : 1, target = 0, sides = 0;
      if (mode === 1) {
        ups = 0; downs = leads(it) ? 1 : 0; w = downs ? 4 : 1;
      } else if (mode === 0) {
        if (ups === 1 && leads(upAdj[upStart[it]])) { downs = 0; w = 4; }
        if (ups && leads(it)) downs = 0;
        if (!ups) w = 0.1;
      }
      if (ups) {
        for (z = 0; z < ups; z++) near[z] = cross[upAdj[upStart[it] + z]];
        target += median(ups); sides++;
      }
      if (downs) {
        for (z = 0; z < downs; z++) near[z] = cross[downAdj[downStart[it] + z]];
        target += median(downs); sides++;
      }
      if (sides) target /= sides;
      else { target = cross[it]; w = mode === 1 ? 1 : 0.01; }
      // A block of items that sit together: its weight, weighted sum of targets less offsets, first item.
      blockW[top] = w; blockSum[top] = w * (target - offset[x]); blockFirst[top++] = x;
      while (top > 1 && blockSum[top - 2] / blockW[top - 2] >= blockSum[top - 1] / blockW[top - 1]) {
        blockW[top - 2] += blockW[top - 1]; blockSum[top - 2] += blockSum[top - 1]; top--;
      }
    }
    for (z = 0; z < top; z++) {
      var end = z + 1 < top ? blockFirst[z + 1] : layerStart[r + 1];
      for (x = blockFirst[z]; x < end; x++) cross[order[x]] = blockSum[z] / blockW[z] + offset[x];
    }
  }
  function placeAcross() {
    var r, x, pass;
    cross = new Float64Array(items); offset = new Float64Array(items); near = new Float64Array(maxDegree);
    blockW = new Float64Array(items); blockSum = new Float64Array(items); blockFirst = new Int32Array(items);
    for (r = 0; r < ranks; r++) {
      var first = layerStart[r], last = layerStart[r + 1] - 1;
      for (x = first + 1; x <= last; x++) {
        var gap = order[x - 1] >= n && order[x] >= n ? DUMMY_GAP : GAP;
        offset[x] = offset[x - 1] + (span[order[x - 1]] + span[order[x]]) / 2 + gap;
      }
      for (x = first; x <= last; x++) cross[order[x]] = offset[x] - offset[last] / 2;
    }
    for (r = 1; r < ranks; r++) place(r, -1);
    for (pass = 0; pass < 4; pass++) {
      if (pass % 2 === 0) for (r = 0; r < ranks; r++) place(r, 0);
      else for (r = ranks - 1; r >= 0; r--) place(r, 0);
    }
    for (r = ranks - 2; r >= 0; r--) place(r, 1);
  }

  // 6. Flow coordinates: each rank is a band as thick as its thickest box, boxes centred in
  // it; then the cross coordinates shift so that the drawing starts at the margin.
  var bandStart, bandEnd, flowSize, crossSize;
  function placeAlong() {
    var low = Infinity, high = -Infinity, along = MARGIN, i, r;
    bandStart = new Float64Array(ranks); bandEnd = new Float64Array(ranks);
    for (i = 0; i < items; i++) {
      low = Math.min(low, cross[i] - span[i] / 2); high = Math.max(high, cross[i] + span[i] / 2);
      bandEnd[rankOf[i]] = Math.max(bandEnd[rankOf[i]], thick[i]);
    }
    for (r = 0; r < ranks; r++) { bandStart[r] = along; along += bandEnd[r]; bandEnd[r] = along; along += RANK_GAP; }
    for (i = 0; i < items; i++) cross[i] += MARGIN - low;
    flowSize = n ? along - RANK_GAP + MARGIN : 2 * MARGIN;
    crossSize = n ? high - low + 2 * MARGIN : 2 * MARGIN;
  }
  function centre(i) { return (bandStart[rankOf[i]] + bandEnd[rankOf[i]]) / 2; }

  // 7. Routes. An edge leaves its box on the downstream side and enters the next one on the
  // upstream side; when several edges share a side, their ports spread along it in the
  // order of their far ends, so they do not cross at the box and their arrows stay apart.
  // Inside a band an edge runs straight along the flow at its dummy's place (boxes there
  // are beside it, never on it); it bends only in the gaps between bands.
  function bundle(e) { return (slot[e] - (count[pairOf[e]] - 1) / 2) * PARALLEL; }
  function farEnd(e, outgoing) {
    var p = pairOf[e];
    if (!chainLength[p]) return cross[outgoing ? pv[p] : pu[p]];
    return cross[chainStart[p] + (outgoing ? 0 : chainLength[p] - 1)] + bundle(e);
  }
  function spreadPorts(list, i, outgoing, ports) {
    var ends = list.map(function (e) { return farEnd(e, outgoing); }), places = list.map(function (_, z) { return z; });
    places.sort(function (s, t) { return ends[s] - ends[t] || slot[list[s]] - slot[list[t]] || list[s] - list[t]; });
    var step = list.length > 1 ? Math.min(PORT, span[i] * 0.6 / (list.length - 1)) : 0;
    for (var k = 0; k < list.length; k++) ports[list[places[k]]] = cross[i] + (k - (list.length - 1) / 2) * step;
  }
  function route() {
    var portOut = new Float64Array(m), portIn = new Float64Array(m), leaving = [], entering = [], routes = [], i, e, k;
    for (i = 0; i < n; i++) { leaving.push([]); entering.push([]); }
    for (e = 0; e < m; e++) { leaving[edges[e][0]].push(e); entering[edges[e][1]].push(e); }
    for (i = 0; i < n; i++) { spreadPorts(leaving[i], i, true, portOut); spreadPorts(entering[i], i, false, portIn); }
    for (e = 0; e < m; e++) {
      var from = edges[e][0], to = edges[e][1], p = pairOf[e], points = [];
      var put = function (f, c) {
        var x = lr ? f : c, y = lr ? c : f, last = points.length - 2;
        if (last < 0 || points[last] !== x || points[last + 1] !== y) points.push(x, y);
      };
      put(centre(from) + thick[from] / 2, portOut[e]);
      put(bandEnd[rank[from]], portOut[e]);
      for (k = chainStart[p]; k < chainStart[p] + chainLength[p]; k++) {
        put(bandStart[rankOf[k]], cross[k] + bundle(e));
        put(bandEnd[rankOf[k]], cross[k] + bundle(e));
      }
      put(bandStart[rank[to]], portIn[e]);
      put(centre(to) - thick[to] / 2, portIn[e]);
      routes.push(points);
    }
    return routes;
  }

  pairUp(); rankNodes(); makeItems(); orderRanks(); placeAcross(); placeAlong();
  var routes = route(), nodes = [];
  for (var i = 0; i < n; i++) nodes.push(lr ? {x: centre(i), y: cross[i]} : {x: cross[i], y: centre(i)});
  return {width: lr ? flowSize : crossSize, height: lr ? crossSize : flowSize, nodes: nodes, edges: routes};
}
