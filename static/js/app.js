// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
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
})();
