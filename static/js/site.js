// Small enhancements of server-rendered pages; every page works without JavaScript.
(function () {
    "use strict";
    document.addEventListener("DOMContentLoaded", function () {
        // Move focus to a form's error summary so screen readers announce it at once.
        var errors = document.querySelector(".form-errors");
        if (errors) {
            errors.focus();
        }
    });
})();
