// The upload page's drop zone: files dropped on it go into the ordinary file field, which the form posts as usual.
// Without this script the file field works on its own.
(function () {
  "use strict";
  var zone = document.querySelector(".drop-zone");
  if (!zone) { return; }
  var input = zone.querySelector("input[type=file]");
  var list = document.querySelector(".chosen-files");
  var maxBytes = Number(zone.getAttribute("data-max-bytes")) || 0;

  function show(files) {
    if (!list) { return; }
    list.textContent = "";
    Array.prototype.forEach.call(files, function (file) {
      var item = document.createElement("li");
      var note = file.size === 0 ? "（空文件，将被拒绝）" : (maxBytes && file.size > maxBytes ? "（超过大小上限，将被拒绝）" : "");
      item.textContent = file.name + " · " + Math.max(1, Math.round(file.size / 1024)) + " KB" + note;
      list.appendChild(item);
    });
  }

  zone.classList.add("enhanced");
  input.addEventListener("change", function () { show(input.files); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
    input.files = event.dataTransfer.files;
    show(input.files);
  });
})();
