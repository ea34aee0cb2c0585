"""The badge criterion quizzes know: "quiz passed with at least N %" (see
`lms.criteria`). Registered when the app starts (`apps.py`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lms.criteria import CriterionKind, register

QUIZ_PASSED = "quiz_passed"

ERROR_QUIZ = _("Choose the quiz to pass.")
ERROR_SCORE = _("A minimum score is between 0 and 100 %.")


def _validate(criterion) -> dict[str, str]:
    from .models import QuizPage

    errors = {}
    page = criterion.target_page
    if page is None or not isinstance(page.specific, QuizPage):
        errors["target_page"] = str(ERROR_QUIZ)
    if criterion.number is not None and criterion.number > 100:
        errors["number"] = str(ERROR_SCORE)
    return errors


def _evaluate(criteria, user_ids, since):
    """Passed (by the quiz's pass mark) with at least the criterion's score, in an
    attempt closed from `since` on; the best such attempt is the evidence. One query."""
    from .models import Attempt

    by_quiz: dict[int, list] = {}
    for criterion in criteria:
        by_quiz.setdefault(criterion.target_page_id, []).append(criterion)
    attempts = (
        Attempt.objects.graded()
        .filter(quiz_id__in=list(by_quiz), user_id__in=user_ids, passed=True)
        .order_by("percent")  # the best last: it wins below
        .values_list("quiz_id", "user_id", "number", "percent", "submitted_at")
    )
    if since is not None:
        attempts = attempts.filter(submitted_at__gte=since)
    met = {}
    for quiz_id, user_id, number, percent, submitted_at in attempts:
        for criterion in by_quiz.get(quiz_id, []):
            if percent >= (criterion.number or 0):
                met[(criterion.pk, user_id)] = {
                    "kind": QUIZ_PASSED,
                    "narrative": str(
                        _("Passed the quiz “%(title)s” with %(percent)s %% (attempt %(number)s).")
                    )
                    % {
                        "title": criterion.target_page.title,
                        "percent": f"{percent.normalize():f}",
                        "number": number,
                    },
                    "quiz": quiz_id,
                    "attempt": number,
                    "score": str(percent),
                    "at": submitted_at.isoformat(),
                }
    return met


def _describe(criterion) -> str:
    title = criterion.target_page.title if criterion.target_page_id else "…"
    if criterion.number:
        return _("Pass the quiz “%(title)s” with at least %(score)s %%") % {
            "title": title,
            "score": criterion.number,
        }
    return _("Pass the quiz “%(title)s”") % {"title": title}


def _link(criterion) -> str:
    return criterion.target_page.url if criterion.target_page_id else ""


register(
    CriterionKind(
        kind=QUIZ_PASSED,
        label=_("Quiz passed with at least N %"),
        validate=_validate,
        evaluate=_evaluate,
        describe=_describe,
        link=_link,
    )
)
