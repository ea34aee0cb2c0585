"""`seed_demo --scale N`: the generated ambassadors' history, across the apps, tells a
story over the last year — joined before it, courses started and completed, quizzes
passed, badges issued month after month (not all on the day of the seeding), nothing
in the future; idempotent."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from home import demo as home_demo
from home.models import User
from lms.models import BadgeAward, CourseCompletion, StepCompletion
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db

SCALE = "200"


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--scale", SCALE, stdout=out)
    return out.getvalue()


def _generated(queryset, field="user__email"):
    return queryset.filter(**{f"{field}__startswith": home_demo.GENERATED_PREFIX})


def _months(moments) -> Counter:
    return Counter(timezone.localtime(moment).strftime("%Y-%m") for moment in moments)


def _spread(moments, *, months: int) -> None:
    """Spread over at least `months` months of the last year, none in the future, and
    no day holding more than a tenth of them."""
    now = timezone.now()
    moments = list(moments)
    assert moments
    assert all(now - timezone.timedelta(days=400) < m <= now for m in moments)
    assert len(_months(moments)) >= months, _months(moments)
    days = Counter(timezone.localtime(m).date() for m in moments)
    assert max(days.values()) <= max(3, len(moments) // 10), days.most_common(3)


def test_generated_ambassadors_joined_before_their_year_of_history(seeded):
    now = timezone.now()
    joined = list(_generated(User.objects.all(), "email").values_list("date_joined", flat=True))

    assert len(joined) == int(SCALE)
    assert all(now - timezone.timedelta(days=3 * 365 + 1) < j < now - timezone.timedelta(days=365)
               for j in joined)  # fmt: skip


def test_progress_attempts_and_awards_spread_over_the_year(seeded):
    first_steps = {}
    for user_id, course_id, at in _generated(StepCompletion.objects.all()).values_list(
        "user_id", "course_id", "completed_at"
    ):
        first_steps[user_id, course_id] = min(at, first_steps.get((user_id, course_id), at))

    _spread(first_steps.values(), months=10)
    _spread(
        _generated(CourseCompletion.objects.all()).values_list("completed_at", flat=True), months=8
    )
    _spread(_generated(Attempt.objects.all()).values_list("submitted_at", flat=True), months=8)
    _spread(_generated(BadgeAward.objects.all()).values_list("issued_at", flat=True), months=8)


def test_the_history_is_made_once(seeded):
    counts = (
        StepCompletion.objects.count(),
        CourseCompletion.objects.count(),
        Attempt.objects.count(),
        BadgeAward.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo", "--scale", SCALE, stdout=StringIO())

    assert (
        StepCompletion.objects.count(),
        CourseCompletion.objects.count(),
        Attempt.objects.count(),
        BadgeAward.objects.count(),
        User.objects.count(),
    ) == counts
