/* Small page behaviours for the back office, as data attributes instead of inline handlers
   (the content security policy allows no inline script):
   - <select data-autosubmit> submits its form when changed;
   - <form data-confirm="…"> asks before submitting. */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field && field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
