// agUnpack(packed, then): run a script stored gzip-compressed and base64-encoded, then
// call `then`. A notebook stores every stepper with its own copy of the page's script:
// packed, that copy is a third of its size. The script runs at the page's top level, as
// an inline <script> would, so it defines the same globals. A browser without
// DecompressionStream never runs it, and the stepper's note stays, saying so.
function agUnpack(packed, then) {
  "use strict";
  var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (code) {
    var script = document.createElement("script");
    script.text = code;
    document.head.appendChild(script).remove();
    then();
  });
}
