// The print view's button: the browser's print dialog (the page's own
// print styles lay the document out on A4).
document.addEventListener('click', function (e) {
  if (e.target.closest('[data-print]')) window.print();
});
