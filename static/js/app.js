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
  // Photos shrink before they travel (the papers step, templates/dossiers/steps/): every image
  // the browser can decode is redrawn at 1600 px at most and re-encoded as JPEG, the quality
  // lowered (then the side) until it fits PHOTO_BYTES; the server checks and re-encodes anyway.
  // A request that would carry a file waits for its shrink; a PDF over the limit never leaves.
  var MAX_SIDE = 1600, PHOTO_BYTES = 150 * 1024;
  var TRIES = [[MAX_SIDE, 0.75], [MAX_SIDE, 0.62], [MAX_SIDE, 0.5], [1280, 0.5], [1024, 0.45]];
  var shrinking = [];
  var canShrink = !!(window.createImageBitmap && window.DataTransfer && window.Promise);
  var papers = function () { return document.getElementById("papers"); };
  var words = function (n) {
    return n < 1048576 ? Math.max(1, Math.round(n / 1024)) + " KB"
      : (Math.round(n / 104857.6) / 10).toString().replace(".", ",") + " MB";
  };
  var say = function (input, text, isError) {
    var row = input.closest("li"), status = row && row.querySelector(".upload-status");
    if (!status) return;
    status.textContent = text;
    status.className = "upload-status" + (isError ? " error" : "");
    status.setAttribute("role", isError ? "alert" : "status");
  };
  var decode = function (file) {
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .catch(function () { return createImageBitmap(file); });
  };
  var draw = function (bitmap, side) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff";  // a transparent PNG becomes white paper, not black
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  };
  var shrink = function (file) {
    return decode(file).then(function (bitmap) {
      var i = 0, side = 0, canvas = null;
      var next = function () {
        var attempt = TRIES[i++];
        if (attempt[0] !== side) { side = attempt[0]; canvas = draw(bitmap, side); }
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", attempt[1]); })
          .then(function (blob) {
            if (!blob) throw new Error("no JPEG encoder");
            return blob.size <= PHOTO_BYTES || i >= TRIES.length ? blob : next();
          });
      };
      return next().then(function (blob) { if (bitmap.close) bitmap.close(); return blob; });
    });
  };
  var tooLarge = function (input, file) {
    var form = papers(), limit = form ? +form.getAttribute("data-upload-max") : 0;
    if (!limit || file.size <= limit) return false;
    input.value = "";  // nothing over the limit ever leaves the phone
    say(input, "Tệp “" + file.name + "” nặng " + words(file.size) + ", quá mức cho phép: mỗi tệp tối đa " +
      form.getAttribute("data-upload-max-words") + ". Hãy chọn tệp nhỏ hơn, chia tệp PDF thành nhiều " +
      "tệp, hoặc chụp ảnh từng trang (ảnh được thu nhỏ tự động).", true);
    return true;
  };
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]")) return;
    var file = input.files && input.files[0];
    say(input, "");
    if (!file) return;
    var image = /^image\//.test(file.type) || /\.(jpe?g|png|webp|heic|heif|avif)$/i.test(file.name);
    if (!image || !canShrink) { tooLarge(input, file); return; }
    say(input, "Đang thu nhỏ ảnh…");
    var job = shrink(file).then(function (blob) {
      if (input.files[0] !== file) return;  // another file was chosen meanwhile
      var keep = /^image\/(jpeg|png)$/.test(file.type) && file.size <= blob.size;
      if (!keep) {
        var transfer = new DataTransfer();
        var name = file.name.replace(/\.\w+$/, "") + ".jpg";
        transfer.items.add(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        input.files = transfer.files;
      }
      say(input, "Ảnh đã thu nhỏ: " + words(file.size) + " → " + words(keep ? file.size : blob.size) + ".");
    }).catch(function () {
      // Not decodable here (HEIC on most browsers): the server says whether it can take it.
      if (!tooLarge(input, file)) say(input, "");
    });
    var done = function () { shrinking.splice(shrinking.indexOf(job), 1); };
    shrinking.push(job);
    job.then(done, done);
  });
  var afterShrinking = function () {
    document.querySelectorAll(".upload-status").forEach(function (status) {
      if (/^Đang thu nhỏ/.test(status.textContent)) status.textContent = "Đang thu nhỏ ảnh… sẽ gửi ngay khi xong.";
    });
    return Promise.all(shrinking.slice());
  };
  // htmx: hold the request until every shrink is done, then send it (its values read then).
  document.addEventListener("htmx:confirm", function (event) {
    if (!shrinking.length) return;
    event.preventDefault();
    afterShrinking().then(function () { event.detail.issueRequest(true); });
  });
  // Plain forms (or htmx not loaded): the same wait; then double taps are stopped.
  document.addEventListener("submit", function (event) {
    var form = event.target, button = event.submitter;
    if (event.defaultPrevented) return;
    if (shrinking.length) {
      event.preventDefault();
      afterShrinking().then(function () {
        if (form.requestSubmit) form.requestSubmit(button || undefined); else form.submit();
      });
      return;
    }
    if (button && !(window.htmx && form.hasAttribute("hx-post"))) {
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  // Every htmx error (4xx/5xx not swapped, no network) is said where the request came from:
  // the server's own words when the answer carries them ([data-error-message]), else ours.
  var GENERIC = {
    0: "Không gửi được vì mất kết nối mạng. Hãy kiểm tra sóng điện thoại rồi bấm lại; những gì đã lưu vẫn còn.",
    413: "Tệp quá lớn. Mỗi tệp tối đa ",
    400: "Yêu cầu không hợp lệ. Hãy tải lại trang rồi thử lại.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc hồ sơ. Hãy tải lại trang.",
    500: "Hệ thống gặp sự cố. Dữ liệu bạn đã lưu vẫn còn; hãy thử lại sau ít phút."
  };
  var errorText = function (xhr) {
    var status = xhr ? xhr.status : 0;
    if (status && /html/.test(xhr.getResponseHeader("Content-Type") || "")) {
      var found = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[data-error-message]");
      if (found && found.textContent.trim()) return found.textContent.trim().replace(/\s+/g, " ");
    }
    if (status === 413) {
      var form = papers();
      return GENERIC[413] + (form ? form.getAttribute("data-upload-max-words") : "5 MB") + ".";
    }
    return GENERIC[status] || GENERIC[status >= 500 ? 500 : status >= 400 ? 400 : 0];
  };
  // The message goes into the paper's row, after the form, or at the top of <main>.
  var noteOf = function (elt) {
    var row = elt.closest && elt.closest("li.document"), form = !row && elt.closest && elt.closest("form");
    var main = document.getElementById("main");
    return {
      old: function () {
        var box = row || (form ? form.parentNode : main);
        return box && box.querySelector("[data-htmx-error]");
      },
      put: function (note) {
        if (row) row.appendChild(note);
        else if (form) form.insertAdjacentElement("afterend", note);
        else if (main) main.insertAdjacentElement("afterbegin", note);
      }
    };
  };
  var showError = function (event) {
    var place = noteOf(event.detail.elt), old = place.old();
    if (old) old.remove();
    var note = document.createElement("p");
    note.className = "error";
    note.setAttribute("role", "alert");
    note.setAttribute("data-htmx-error", "");
    note.textContent = errorText(event.type === "htmx:responseError" ? event.detail.xhr : null);
    place.put(note);
    document.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
  };
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);
  document.addEventListener("htmx:timeout", showError);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var old = noteOf(event.detail.elt).old();
    if (old) old.remove();
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
