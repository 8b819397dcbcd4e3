// The playground's Python: a module worker that loads Pyodide and Viz.js from the site,
// unpacks the wheels of manifest.json into Pyodide's site-packages and runs programs.
// Messages in: {type: "run", id, code}. Out: {type: "ready"}, {type: "failed", text},
// {type: "output", id, kind: "stdout" | "stderr" | "html", text}, {type: "done", id, ok}.
// A run cannot be interrupted here: the page stops one by ending this worker.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const base = new URL(".", import.meta.url);

async function fetchOk(path) {
  const response = await fetch(new URL(path, base));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

// Viz.js (Graphviz compiled to WebAssembly) is stored gzip-compressed, at 40% of its size:
// a static server sends files as they are. Unpacked here, it is imported as a module.
async function loadViz() {
  const packed = await fetchOk("viz/viz.js.gz");
  const code = await new Response(packed.body.pipeThrough(new DecompressionStream("gzip"))).text();
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  try {
    return await (await import(url)).instance();
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function start() {
  const [pyodide, viz, manifest, runnerSource] = await Promise.all([
    loadPyodide({ indexURL: new URL("pyodide/", base).href }),
    loadViz(),
    fetchOk("manifest.json").then((r) => r.json()),
    fetchOk("runner.py").then((r) => r.text()),
  ]);
  // autograd_lite.graphviz_browser draws through this function: DOT in, SVG out.
  globalThis.autogradLiteRenderDot = (dot) => viz.renderString(dot, { format: "svg" });
  pyodide.FS.mkdirTree("/tmp/wheels");
  const paths = await Promise.all(manifest.wheels.map(async (name) => {
    const bytes = new Uint8Array(await (await fetchOk(`wheels/${name}`)).arrayBuffer());
    pyodide.FS.writeFile(`/tmp/wheels/${name}`, bytes);
    return `/tmp/wheels/${name}`;
  }));
  const namespace = pyodide.toPy({});
  pyodide.runPython(runnerSource, { globals: namespace });
  namespace.get("install")(pyodide.toPy(paths));
  // Imported now, so that the first run does not wait for it.
  pyodide.runPython("import autograd_lite, autograd_lite.nn, autograd_lite.stepper");
  return namespace.get("run");
}

const running = start();
running.then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "failed", text: String(error && error.stack || error) }),
);

onmessage = async ({ data }) => {
  if (data.type !== "run") return;
  const run = await running;
  const emit = (kind, text) => postMessage({ type: "output", id: data.id, kind, text });
  const ok = run(data.code, emit);
  postMessage({ type: "done", id: data.id, ok });
};
