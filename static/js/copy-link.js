// The reply page's "复制链接" button: shown only where the script runs; without it the link stays there to select.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-link[data-copy]").forEach(function (button) {
    var status = button.parentNode.querySelector(".copy-status");
    function say(text) { if (status) { status.textContent = text; } }
    button.hidden = false;
    button.addEventListener("click", function () {
      var link = button.getAttribute("data-copy");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(function () { say("已复制链接"); },
                                                  function () { say("无法复制，请手动选择链接"); });
        return;
      }
      // Over plain HTTP the clipboard API is missing: copy from a temporary text field.
      var field = document.createElement("textarea");
      field.value = link;
      field.setAttribute("readonly", "");
      field.style.position = "fixed";
      field.style.opacity = "0";
      document.body.appendChild(field);
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      document.body.removeChild(field);
      say(copied ? "已复制链接" : "无法复制，请手动选择链接");
    });
  });
})();
