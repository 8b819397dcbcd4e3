// The playground page (docs/playground.md): an editor, Run (Ctrl+Enter) and Stop, and an
// output area that shows what a program prints and displays, drawings and stepper labs
// included. Python runs in worker.js; Stop ends that worker and starts a fresh one.
//
// For tests and for other pages, window.autogradLitePlayground offers:
//   ready      a promise, resolved when Python is ready for a first run (a new one after stop())
//   run(code)  runs `code` as the Run button does (showing its output on the page) and
//              returns a promise of {stdout, stderr, ok}; runs queue, one at a time
//   stop()     ends the run under way (its promise resolves with ok false), starts a fresh
//              Python and returns its `ready`
"use strict";

function element(tag, properties = {}, ...children) {
  const made = Object.assign(document.createElement(tag), properties);
  made.append(...children);
  return made;
}

// The page's parts inside `root`, and the functions that run programs in a worker of
// worker.js (found beside this script, at `base`).
function playground(root, base) {
  const picker = element("select", { className: "ag-pg-examples", title: "examples" });
  const runButton = element("button", { type: "button", className: "ag-pg-run",
    title: "run the program (Ctrl+Enter)" }, "Run");
  const stopButton = element("button", { type: "button", className: "ag-pg-stop",
    title: "stop the program and start a fresh Python", disabled: true }, "Stop");
  const status = element("span", { className: "ag-pg-status", role: "status" });
  const editor = element("textarea", { className: "ag-pg-editor", spellcheck: false });
  editor.setAttribute("aria-label", "Python code");
  const output = element("div", { className: "ag-pg-output" });
  output.setAttribute("aria-live", "polite");
  root.replaceChildren(
    element("div", { className: "ag-pg-bar" }, picker, runButton, stopButton, status),
    editor, output);

  let worker = null;
  let ready = null;
  let current = null; // the run under way: {id, stdout, stderr, resolve, started}
  let nextId = 1;
  let queue = Promise.resolve();

  function seconds(since) {
    return ((performance.now() - since) / 1000).toFixed(2);
  }

  function startWorker() {
    const started = performance.now();
    status.textContent = "Loading Python…";
    worker = new Worker(new URL("worker.js", base), { type: "module" });
    ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
          status.textContent = `Python ready (${seconds(started)} s)`;
          resolve();
        } else if (data.type === "failed") {
          status.textContent = "Python could not start";
          show("stderr", `Python could not start:\n${data.text}\n`);
          reject(new Error(data.text));
        } else if (current && data.id === current.id) {
          if (data.type === "output") {
            if (data.kind !== "html") current[data.kind] += data.text;
            show(data.kind, data.text);
          } else if (data.type === "done") {
            finish(data.ok, data.ok ? "finished" : "ended by an exception");
          }
        }
      };
    });
    ready.catch(() => {}); // shown on the page, and a run reports it too
  }

  function show(kind, text) {
    if (kind === "html") {
      const box = element("div", { className: "ag-pg-html" });
      box.innerHTML = text;
      output.append(box);
      // Scripts put in by innerHTML do not run: replace each by a copy, which does.
      for (const old of box.querySelectorAll("script")) {
        if (old.type && old.type !== "text/javascript") continue; // data, not code
        old.replaceWith(element("script", { textContent: old.textContent }));
      }
      return;
    }
    const last = output.lastElementChild;
    if (last && last.tagName === "PRE" && last.classList.contains(`ag-pg-${kind}`)) {
      last.textContent += text;
    } else {
      output.append(element("pre", { className: `ag-pg-${kind}` }, text));
    }
  }

  function finish(ok, how) {
    const run = current;
    current = null;
    runButton.disabled = false;
    stopButton.disabled = true;
    status.textContent = `${how} in ${seconds(run.started)} s`;
    run.resolve({ stdout: run.stdout, stderr: run.stderr, ok });
  }

  function runNow(code) {
    output.replaceChildren();
    runButton.disabled = true;
    stopButton.disabled = false;
    status.textContent = "Running…";
    return new Promise((resolve) => {
      current = { id: nextId++, stdout: "", stderr: "", resolve, started: performance.now() };
      // The worker starts it once Python is ready.
      worker.postMessage({ type: "run", id: current.id, code });
    });
  }

  function run(code) {
    const result = queue.then(() => runNow(String(code)));
    queue = result;
    return result;
  }

  function stop() {
    worker.terminate();
    if (current) {
      const message = "Stopped: the program was ended, and a fresh Python started.\n";
      current.stderr += message;
      show("stderr", message);
      finish(false, "stopped");
    }
    startWorker();
    return ready;
  }

  // A run the learner started brings the bar to the top of the window: the editor and the
  // start of the output below it are then in view together (below the page's introduction,
  // the output is otherwise off screen).
  function runAndReveal() {
    run(editor.value).then(() => {
      if (output.getBoundingClientRect().top > window.innerHeight * 0.6) {
        root.firstElementChild.scrollIntoView({ block: "start" });
      }
    });
  }

  runButton.addEventListener("click", runAndReveal);
  stopButton.addEventListener("click", stop);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!runButton.disabled) runAndReveal();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      editor.setRangeText("    ", editor.selectionStart, editor.selectionEnd, "end");
    }
  });
  fetch(new URL("manifest.json", base)).then((response) => response.json()).then((manifest) => {
    for (const example of manifest.examples) {
      picker.append(element("option", { value: example.name }, example.title));
    }
    const choose = () => {
      editor.value = manifest.examples.find((e) => e.name === picker.value).code;
    };
    picker.addEventListener("change", choose);
    choose();
  });

  startWorker();
  return { get ready() { return ready; }, run, stop };
}

const playgroundRoot = document.getElementById("autograd-lite-playground");
if (location.protocol === "file:") {
  // A page opened from a file may not start a worker: say how to serve the site instead.
  playgroundRoot.querySelector("p").textContent = "The playground runs Python in a web " +
    "worker, which a page opened from a file may not start: serve the site " +
    "(python -m http.server -d docs/_build/html) and open it from there.";
} else {
  window.autogradLitePlayground = playgroundRoot && playground(
    playgroundRoot, new URL(".", document.currentScript.src));
}
