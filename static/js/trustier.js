// Behaviour that used to sit in inline attributes, which the Content-Security-Policy forbids
// (script-src 'self'). Every page works without it: forms keep a visible submit button in <noscript>.
(function () {
  "use strict";
  function submit(form) {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  // <select data-autosubmit>: choosing an option sends its form (the language switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { submit(select.form); });
  });
  // <form data-confirm="question">: ask before sending (e.g. closing a wave early).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  // <form data-no-submit>: a form that only shows controls (the questionnaire preview) is never sent.
  document.querySelectorAll("form[data-no-submit]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  });
})();
