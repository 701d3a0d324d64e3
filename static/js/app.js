// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // htmx after the first paint: on a thin link its 15 KB would share the pipe with the
  // stylesheet. Until it arrives, forms and links work as plain ones (no-JS path).
  var loader = document.querySelector("script[data-htmx]");
  if (loader && !window.htmx) {
    var fetchHtmx = function () {
      var script = document.createElement("script");
      script.src = loader.getAttribute("data-htmx");
      document.head.appendChild(script);
    };
    if (document.readyState === "complete") fetchHtmx();
    else window.addEventListener("load", fetchHtmx);
  }
  // Double taps: disable the submit button once the form is on its way.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && !event.target.hasAttribute("hx-post")) {
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  // Shrink photos in the browser before upload: the server re-encodes anyway, this saves the upload.
  var MAX_SIDE = 1600;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]")) return;
    var file = input.files && input.files[0];
    if (!file || !/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap || !window.DataTransfer) return;
    createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 800000) return;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || blob.size >= file.size) return;
        var transfer = new DataTransfer();
        transfer.items.add(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
        input.files = transfer.files;
      }, "image/jpeg", 0.82);
    }).catch(function () { /* keep the original file */ });
  });
  // The consent read to a new citizen names them as their name is typed (app/assist/views.py).
  var named = document.querySelector("[data-consent-name]");
  var nameField = document.getElementById("full_name");
  if (named && nameField) {
    nameField.addEventListener("input", function () {
      named.textContent = nameField.value.trim() || "(tên người dân)";
    });
  }
  // Shared devices (app/assist/idle.py): warn a minute before an idle staff session ends, keep
  // it alive while someone types, and once it has ended reload so the sign-in page replaces
  // whatever was on the screen.
  var idle = +(document.body.getAttribute("data-idle") || 0);
  var keepalive = document.body.getAttribute("data-keepalive");
  if (idle > 90 && keepalive && window.fetch) {
    var lastActive = Date.now(), lastRequest = Date.now(), warning = null;
    var active = function () {
      lastActive = Date.now();
      if (warning) { warning.remove(); warning = null; }
      if (Date.now() - lastRequest > 30000) {
        lastRequest = Date.now();
        fetch(keepalive, { credentials: "same-origin", cache: "no-store" });
      }
    };
    ["keydown", "input", "click", "touchstart"].forEach(function (name) {
      document.addEventListener(name, active, { passive: true });
    });
    document.addEventListener("htmx:afterRequest", function () { lastRequest = Date.now(); });
    setInterval(function () {
      var quiet = (Date.now() - Math.max(lastActive, lastRequest)) / 1000;
      if (quiet > idle) { window.location.reload(); return; }
      if (quiet > idle - 60 && !warning) {
        warning = document.createElement("div");
        warning.className = "idle-warning";
        warning.setAttribute("role", "alert");
        warning.textContent = "Phiên làm việc sắp kết thúc vì lâu không thao tác. Chạm vào màn hình để tiếp tục.";
        document.body.appendChild(warning);
      }
    }, 5000);
  }
})();
