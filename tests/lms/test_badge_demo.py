"""`seed_demo`'s badges (lms/badge_demo.py): three badges on the demo courses; certifie
holds all three, one expiring within 30 days; camille holds none; the generated
ambassadors who meet the criteria hold theirs; idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from home.demo import GENERATED_PREFIX
from home.models import User
from lms import (
    badge_demo,  # noqa: F401  (registers its DEMO_DATA hook; lms/wagtail_hooks too)
    criteria,
    services,
)
from lms.models import Badge, BadgeAward

pytestmark = pytest.mark.django_db

SCALE = "120"


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return _seed("--scale", SCALE)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@ambassadeurs.example")


def _counts() -> dict[str, int]:
    return {
        "badges": Badge.objects.count(),
        "awards": BadgeAward.objects.count(),
        "logs": ModelLogEntry.objects.filter(action=services.LOG_AWARD).count(),
    }


def test_three_badges_with_a_course_and_its_quiz_and_french_texts(demo):
    badges = {badge.slug: badge for badge in Badge.objects.prefetch_related("criteria")}

    assert set(badges) == {"detecteur-de-projets", "ambassadeur-pitch", "ambassadeur-salon"}
    assert sorted(b.validity_months for b in badges.values()) == [12, 24, 24]
    for badge in badges.values():
        rows = sorted(badge.criteria.all(), key=lambda c: c.sort_order)
        assert [row.kind for row in rows] == ["course_completed", "quiz_passed"]
        assert rows[1].target_page.get_parent().pk == rows[0].target_page_id
        assert all(criteria.validate(row) == {} for row in rows)
        assert badge.competences.count() == 1
        assert len(badge.description) > 120 and len(badge.criteria_narrative) > 200
    assert badges["detecteur-de-projets"].criteria.get(kind="quiz_passed").number == 80


def test_certifie_holds_three_current_awards_one_expiring_within_30_days(demo):
    now = timezone.now()
    awards = list(BadgeAward.objects.current().filter(user=_user("certifie")))

    assert len(awards) == 3
    expiring = [a for a in awards if now < a.expires_at <= now + services.RENEWAL_WINDOW]
    assert [a.badge.slug for a in expiring] == ["detecteur-de-projets"]
    (award,) = expiring
    assert award.issued_at < now - timedelta(days=700)
    assert all(item["at"] <= award.issued_at.isoformat() for item in award.evidence)
    for other in awards:
        assert other == award or other.expires_at > now + services.RENEWAL_WINDOW
        assert other.recipient_hash == services.recipient_identity(
            other.user.email, other.recipient_salt
        )
    # Earned through the service (recorded), and evaluating again renews nothing.
    assert (
        ModelLogEntry.objects.filter(
            action=services.LOG_AWARD, object_id__in=[str(a.pk) for a in awards]
        ).count()
        == 3
    )
    assert services.badges_evaluate(user=_user("certifie")) == []


def test_camille_holds_none(demo):
    assert not BadgeAward.objects.filter(user=_user("camille")).exists()


def test_generated_ambassadors_meeting_the_criteria_hold_their_badges(demo):
    generated = BadgeAward.objects.filter(user__email__startswith=GENERATED_PREFIX)
    awards = list(generated.select_related("user", "badge"))

    assert awards, "some generated ambassadors meet a badge's criteria"
    badges = list(Badge.objects.prefetch_related("criteria"))
    met = criteria.evaluate(
        [c for b in badges for c in b.criteria.all()], [a.user_id for a in awards]
    )
    for award in awards:
        rows = [c for b in badges if b.pk == award.badge_id for c in b.criteria.all()]
        assert all((c.pk, award.user_id) in met for c in rows)
        assert award.recipient_hash == services.recipient_identity(
            award.user.email, award.recipient_salt
        )
        assert award.issued_at.isoformat() == max(item["at"] for item in award.evidence)
    assert "generated ambassadors" in demo


def test_running_it_twice_creates_nothing_more(demo):
    before = _counts()

    again = _seed("--scale", SCALE)

    assert _counts() == before
    assert "badges: 3 badges; 0 awards for the demo ambassadors; 0 awards for 0 generated" in again


def test_badges_evaluate_after_the_demo_awards_nothing(demo):
    out = StringIO()
    call_command("badges_evaluate", stdout=out)
    assert "0 awards made" in out.getvalue()
