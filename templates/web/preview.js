// reportgen preview: on each new build (server-sent events), swap in the pages that
// changed, in place, so the page keeps its scroll position.
(function () {
  "use strict";
  var list = document.getElementById("pages");
  var status = document.getElementById("preview-status");
  var problems = document.getElementById("preview-problems");
  var shown = status.getAttribute("data-version");

  function makePage() {
    var item = document.createElement("li");
    item.className = "pages__page";
    var image = document.createElement("img");
    var details = document.createElement("details");
    details.className = "details";
    var summary = document.createElement("summary");
    summary.className = "details__summary";
    var text = document.createElement("p");
    text.className = "page-text";
    details.appendChild(summary);
    details.appendChild(text);
    item.appendChild(image);
    item.appendChild(details);
    return item;
  }

  function show(state) {
    var count = state.pages.length;
    state.pages.forEach(function (page, index) {
      var item = list.children[index];
      if (!item) { item = list.appendChild(makePage()); }
      var image = item.querySelector("img");
      item.id = "page-" + page.number;
      image.alt = "Page " + page.number + " of " + count;
      if (item.getAttribute("data-key") !== page.key) {
        image.width = page.width;
        image.height = page.height;
        image.src = "/pages/" + page.key + ".png";
        item.querySelector("summary").textContent = "Text of page " + page.number;
        item.querySelector(".page-text").textContent = page.text;
        item.setAttribute("data-key", page.key);
      }
    });
    while (list.children.length > count) { list.removeChild(list.lastElementChild); }
    problems.innerHTML = state.problems;
    status.textContent = state.status;
    status.setAttribute("data-version", String(state.version));
    shown = String(state.version);
  }

  function refresh() {
    fetch("/state", {cache: "no-store"}).then(function (response) {
      return response.json();
    }).then(show);
  }

  var source = new EventSource("/events");
  source.addEventListener("version", function (event) {
    if (String(JSON.parse(event.data).version) !== shown) { refresh(); }
  });
})();
