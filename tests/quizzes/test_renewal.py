"""Renewing a badge by retaking its quiz: from 30 days before the award expires, the
quiz's attempt limit counts only the attempts started since the renewal window opened,
and only a pass from then on renews the badge (DESIGN: badges, renewal)."""

import datetime

import pytest
from django.utils import timezone

from lms.models import Badge, BadgeAward, BadgeCriterion
from quizzes import selectors, services
from quizzes.models import Attempt
from tests.quizzes.builders import ALL_RIGHT, ALL_WRONG

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def badge(quiz):
    badge = Badge.objects.create(
        name="Détecteur de projets",
        slug="detecteur",
        description="Repère les projets.",
        criteria_narrative="Quiz réussi.",
        validity_months=12,
    )
    BadgeCriterion.objects.create(badge=badge, kind="quiz_passed", target_page=quiz, number=70)
    return badge


def take(user, quiz, data, *, now=None):
    attempt = services.attempt_start(user=user, quiz=quiz, now=now)
    return services.attempt_submit(attempt=attempt, data=data, now=now)[0]


def expire_in(award, delta):
    """The award expires `delta` from now; it and the attempts that earned it date from
    a year before that."""
    expires = timezone.now() + delta
    issued = expires - 365 * DAY
    BadgeAward.objects.filter(pk=award.pk).update(expires_at=expires, issued_at=issued)
    Attempt.objects.filter(user=award.user).update(started_at=issued, submitted_at=issued)


def test_the_last_attempt_spent_the_quiz_is_open_again_once_the_renewal_window_opens(
    ready, quiz, badge
):
    quiz.attempt_limit = 1
    quiz.save(update_fields=["attempt_limit"])
    take(ready, quiz, ALL_RIGHT)
    award = BadgeAward.objects.get()

    expire_in(award, 60 * DAY)  # not yet renewable
    refused = selectors.start_gate(user=ready, quiz=quiz)
    assert not refused.allowed and refused.reason == str(selectors.ERROR_NO_ATTEMPT_LEFT)

    expire_in(award, 20 * DAY)  # within 30 days: the window is open
    assert selectors.start_gate(user=ready, quiz=quiz).allowed
    assert selectors.quiz_state(user=ready, quiz=quiz).attempts_left == 1

    renewed_attempt = take(ready, quiz, ALL_RIGHT)

    assert renewed_attempt.number == 2 and renewed_attempt.passed
    old, new = BadgeAward.objects.order_by("issued_at")
    assert old.replaced_at is not None and new.previous_id == old.pk
    assert list(BadgeAward.objects.current()) == [new]
    assert new.expires_at > old.expires_at
    # The renewal's attempt is spent in turn: no third one.
    assert not selectors.start_gate(user=ready, quiz=quiz).allowed


def test_a_pass_from_before_the_window_does_not_renew(ready, quiz, badge):
    take(ready, quiz, ALL_RIGHT)
    award = BadgeAward.objects.get()
    expire_in(award, 20 * DAY)

    from lms.services import badges_evaluate

    assert badges_evaluate(user=ready) == []  # the old pass predates the window
    take(ready, quiz, ALL_WRONG)  # a failed retake renews nothing
    assert list(BadgeAward.objects.current()) == [award]
