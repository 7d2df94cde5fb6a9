// mangluoi: on the activity log page, shrink a photo to at most 1600 px
// before it is sent, so a phone's 4 MB picture crosses a slow connection as
// a few hundred KB. Without this script the form still works.
document.addEventListener("change", function (e) {
  var input = e.target, file = input.files && input.files[0];
  if (input.name !== "photo" || !file || !window.createImageBitmap || !window.DataTransfer) return;
  if (file.size < 400000 || !/^image\/(jpeg|png|webp)$/.test(file.type)) return;
  createImageBitmap(file).then(function (img) {
    var k = Math.min(1, 1600 / Math.max(img.width, img.height)), c = document.createElement("canvas");
    c.width = Math.round(img.width * k);
    c.height = Math.round(img.height * k);
    c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
    c.toBlob(function (blob) {
      if (!blob || blob.size >= file.size) return;
      var dt = new DataTransfer();
      dt.items.add(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
      input.files = dt.files;
    }, "image/jpeg", 0.8);
  }).catch(function () {});
});
