// The quiz attempt's form, enhanced: answers autosave as the ambassador goes, and a
// timed attempt shows a countdown and submits itself when time is up. Without this
// script the form still works: it submits everything at once.
//
// The server decides everything (what is saved, what is on time, the grade); this
// script only sends the form's own fields, as the form would. Its texts come translated
// from the page's data attributes.
(function () {
    "use strict";

    var SAVE_DELAY_CHANGE = 400; // ms after a tick: quick, a click is a decision
    var SAVE_DELAY_TYPING = 1200; // ms after the last keystroke in a number field

    function reducedMotion() {
        return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    }

    function questionOf(field) {
        var name = field && field.name;
        return name && name.indexOf("q-") === 0 ? name.slice(2) : null;
    }

    // --- Autosave ------------------------------------------------------------------------

    function Autosave(form) {
        this.form = form;
        this.url = form.getAttribute("data-save-url");
        this.status = form.querySelector("[data-save-status]");
        this.dirty = {}; // question id → change count when last changed
        this.refused = {}; // question id → true while its answer cannot be saved
        this.changes = 0;
        this.timer = null;
        this.inFlight = false;
        this.again = false;
        this.stopped = false;
        var self = this;
        form.addEventListener("change", function (event) {
            self.changed(event.target, SAVE_DELAY_CHANGE);
        });
        form.addEventListener("input", function (event) {
            if (event.target.type === "text") {
                self.changed(event.target, SAVE_DELAY_TYPING);
            }
        });
        this.say(this.message("ready"));
    }

    Autosave.prototype.message = function (name) {
        return (this.status && this.status.getAttribute("data-msg-" + name)) || "";
    };

    Autosave.prototype.say = function (text, isError) {
        if (!this.status) {
            return;
        }
        this.status.textContent = text;
        this.status.classList.toggle("quiz-save-status--error", Boolean(isError));
    };

    Autosave.prototype.changed = function (field, delay) {
        var question = questionOf(field);
        if (!question || this.stopped) {
            return;
        }
        this.changes += 1;
        this.dirty[question] = this.changes;
        this.schedule(delay);
    };

    Autosave.prototype.schedule = function (delay) {
        var self = this;
        window.clearTimeout(this.timer);
        this.timer = window.setTimeout(function () {
            self.save();
        }, delay);
    };

    Autosave.prototype.stop = function () {
        this.stopped = true;
        window.clearTimeout(this.timer);
    };

    // Every value the form holds for these questions (with the empty one each question
    // carries, so that unticking every choice clears the saved answer).
    Autosave.prototype.body = function (questions) {
        var data = new FormData(this.form);
        var body = new URLSearchParams();
        body.append("csrfmiddlewaretoken", data.get("csrfmiddlewaretoken") || "");
        questions.forEach(function (question) {
            data.getAll("q-" + question).forEach(function (value) {
                body.append("q-" + question, value);
            });
        });
        return body;
    };

    Autosave.prototype.save = function (only) {
        var self = this;
        if (this.stopped) {
            return;
        }
        if (this.inFlight) {
            this.again = true;
            return;
        }
        var questions = only || Object.keys(this.dirty);
        if (!questions.length) {
            return;
        }
        var sent = {};
        questions.forEach(function (question) {
            sent[question] = self.dirty[question];
        });
        this.inFlight = true;
        fetch(this.url, {
            method: "POST",
            body: this.body(questions),
            credentials: "same-origin",
            headers: { Accept: "application/json" },
        })
            .then(function (response) {
                return response
                    .json()
                    .catch(function () {
                        return {};
                    })
                    .then(function (data) {
                        return { status: response.status, data: data };
                    });
            })
            .then(function (reply) {
                self.inFlight = false;
                self.answered(reply.status, reply.data, questions, sent);
            })
            .catch(function () {
                // Offline, or the server could not be reached: the answers stay dirty and
                // go with the next change (or with the form when submitted).
                self.inFlight = false;
                self.say(self.message("failed"), true);
            })
            .then(function () {
                if (self.again && !self.stopped) {
                    self.again = false;
                    self.schedule(SAVE_DELAY_CHANGE);
                }
            });
    };

    Autosave.prototype.answered = function (status, data, questions, sent) {
        var self = this;
        if (status === 200) {
            questions.forEach(function (question) {
                // Changed again while this request was on its way: still to save.
                if (self.dirty[question] === sent[question]) {
                    delete self.dirty[question];
                }
                delete self.refused[question];
                showError(self.form, question, "");
            });
            // Saved, but an answer refused earlier is still not: say so until corrected.
            if (Object.keys(this.refused).length) {
                this.say((data.message || "") + " — " + this.message("invalid"), true);
            } else {
                this.say(data.message || this.message("ready"));
            }
            return;
        }
        if (status === 400 && data.errors) {
            var refused = Object.keys(data.errors);
            refused.forEach(function (question) {
                if (question) {
                    self.refused[question] = true;
                    showError(self.form, question, data.errors[question]);
                }
            });
            this.say(data.errors[""] || this.message("invalid"), true);
            // Nothing was saved: save the other answers without the ones refused.
            var rest = questions.filter(function (question) {
                return refused.indexOf(question) === -1;
            });
            if (rest.length && rest.length < questions.length && !data.errors[""]) {
                this.save(rest);
            }
            return;
        }
        if (status === 409) {
            // The attempt is closed (graded, or time is up): its result says what counts.
            this.stop();
            this.say(data.error || this.message("failed"), true);
            if (data.result_url) {
                window.location.assign(data.result_url);
            }
            return;
        }
        this.say(data.error || this.message("failed"), true);
    };

    // The message under a question, tied to its fields (or removed when empty).
    function showError(form, question, text) {
        var fieldset = document.getElementById("question-" + question);
        var slot = document.getElementById("q-" + question + "-error");
        if (!fieldset || !slot) {
            return;
        }
        var fields = fieldset.querySelectorAll("input:not([type=hidden])");
        slot.textContent = text;
        slot.hidden = !text;
        fieldset.classList.toggle("question--error", Boolean(text));
        if (text) {
            fieldset.setAttribute("aria-describedby", slot.id);
        } else {
            fieldset.removeAttribute("aria-describedby");
        }
        Array.prototype.forEach.call(fields, function (field) {
            if (text) {
                field.setAttribute("aria-invalid", "true");
                if (field.type === "text") {
                    field.setAttribute("aria-describedby", slot.id);
                }
            } else {
                field.removeAttribute("aria-invalid");
                if (field.type === "text") {
                    field.removeAttribute("aria-describedby");
                }
            }
        });
    }

    // --- Countdown ----------------------------------------------------------------------

    function Countdown(form, timer, onTimeUp) {
        var seconds = parseInt(timer.getAttribute("data-seconds-left"), 10);
        if (isNaN(seconds)) {
            return;
        }
        // The server's count of seconds left, not the deadline read with this device's
        // clock, which may be wrong.
        this.end = Date.now() + seconds * 1000;
        this.timer = timer;
        this.text = timer.querySelector("[data-timer-text]");
        this.alert = timer.querySelector("[data-timer-alert]");
        this.onTimeUp = onTimeUp;
        this.announced = { five: seconds <= 300, one: seconds <= 60 };
        this.done = false;
        var self = this;
        this.tick();
        this.interval = window.setInterval(function () {
            self.tick();
        }, 1000);
    }

    function clock(seconds) {
        var hours = Math.floor(seconds / 3600);
        var minutes = Math.floor((seconds % 3600) / 60);
        var rest = seconds % 60;
        var two = function (n) {
            return (n < 10 ? "0" : "") + n;
        };
        return (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(rest);
    }

    Countdown.prototype.tick = function () {
        var left = Math.max(0, Math.round((this.end - Date.now()) / 1000));
        var template = this.timer.getAttribute("data-msg-left") || "%(time)s";
        this.text.textContent = template.replace("%(time)s", clock(left));
        this.timer.classList.toggle("quiz-timer--soon", left <= 300);
        this.timer.classList.toggle("quiz-timer--urgent", left <= 60);
        // Screen readers hear the time twice only, not every second.
        if (left <= 300 && !this.announced.five) {
            this.announced.five = true;
            this.announce("five");
        }
        if (left <= 60 && !this.announced.one) {
            this.announced.one = true;
            this.announce("one");
        }
        if (left === 0 && !this.done) {
            this.done = true;
            window.clearInterval(this.interval);
            this.announce("up");
            this.onTimeUp();
        }
    };

    Countdown.prototype.announce = function (name) {
        if (this.alert) {
            this.alert.textContent = this.timer.getAttribute("data-msg-" + name) || "";
        }
    };

    // --- The form -------------------------------------------------------------------------

    function init() {
        var form = document.querySelector("form[data-quiz-attempt]");
        if (!form) {
            return;
        }
        var autosave = window.fetch && window.URLSearchParams ? new Autosave(form) : null;
        var submitting = false;
        var button = form.querySelector("[data-quiz-submit]");

        form.addEventListener("submit", function (event) {
            if (submitting) {
                event.preventDefault(); // a double click sends the form once
                return;
            }
            submitting = true;
            if (autosave) {
                autosave.stop(); // the form carries every answer
            }
            if (button) {
                button.setAttribute("aria-disabled", "true");
            }
        });

        var timer = document.querySelector("[data-quiz-timer]");
        if (timer) {
            new Countdown(form, timer, function () {
                if (submitting) {
                    return;
                }
                if (form.requestSubmit) {
                    form.requestSubmit(); // goes through the submit handler above
                } else {
                    submitting = true;
                    form.submit();
                }
            });
        }

        // The error summary of a refused submission is focused by site.js; its links
        // move to the field, scrolling gently unless motion is reduced.
        var summary = document.getElementById("error-summary");
        if (summary) {
            summary.addEventListener("click", function (event) {
                var link = event.target.closest("a[href^='#']");
                var field = link && document.getElementById(link.getAttribute("href").slice(1));
                if (!field) {
                    return;
                }
                event.preventDefault();
                var fieldset = field.closest("fieldset") || field;
                fieldset.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "start" });
                field.focus({ preventScroll: true });
            });
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
