// reportgen serve: follow a build's progress (server-sent events), then show its result.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  var box = document.querySelector("[data-events]");
  if (!box || !window.EventSource) { return; }
  var bar = document.getElementById("progress-bar");
  var status = document.getElementById("progress-status");
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("progress", function (event) {
    var data = JSON.parse(event.data);
    bar.setAttribute("value", String(data.percent));
    bar.textContent = data.percent + "%";
    status.textContent = data.percent + "% done: " + data.text;
  });
  source.addEventListener("note", function (event) {
    status.textContent = JSON.parse(event.data).text;
  });
  source.addEventListener("end", function () {
    source.close();
    bar.setAttribute("value", "100");
    status.textContent = "100% done";
    window.location.reload();
  });
})();
