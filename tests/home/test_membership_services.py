"""The membership state machine and the one-time links, at the service level."""

import threading

import pytest
from django.core import mail, signing
from django.db import connection

from home import services, tokens
from home.models import AmbassadorProfile, MembershipStatus, User
from home.selectors import membership_history
from tests.factories import AmbassadorProfileFactory, UserFactory

S = MembershipStatus


@pytest.mark.parametrize(
    ("start", "move", "allowed"),
    [
        (S.REQUESTED, "approve", True),
        (S.REQUESTED, "decline", True),
        (S.REQUESTED, "suspend", False),
        (S.ACTIVE, "suspend", True),
        (S.ACTIVE, "approve", False),
        (S.ACTIVE, "reactivate", False),
        (S.SUSPENDED, "reactivate", True),
        (S.SUSPENDED, "suspend", False),
        (S.INVITED, "decline", False),
        (S.DECLINED, "reactivate", False),
        (S.LEFT, "reactivate", False),
    ],
)
def test_only_the_transitions_of_the_state_machine_are_allowed(db, manager, start, move, allowed):
    profile = AmbassadorProfileFactory(status=start)
    actions = {
        "approve": lambda: services.membership_approve(profile=profile, actor=manager),
        "decline": lambda: services.membership_decline(profile=profile, actor=manager),
        "suspend": lambda: services.membership_suspend(
            profile=profile, actor=manager, reason="Motif"
        ),
        "reactivate": lambda: services.membership_reactivate(profile=profile, actor=manager),
    }

    if allowed:
        actions[move]()
        profile.refresh_from_db()
        assert profile.status != start
        assert membership_history(profile).first().user == manager
    else:
        with pytest.raises(services.MembershipError):
            actions[move]()
        profile.refresh_from_db()
        assert profile.status == start
        assert not membership_history(profile).exists()


def test_suspension_needs_a_reason(db, manager, ambassador):
    with pytest.raises(services.MembershipError, match=str(services.ERROR_REASON_REQUIRED)):
        services.membership_suspend(
            profile=ambassador.ambassador_profile, actor=manager, reason="  "
        )
    assert AmbassadorProfile.objects.get(user=ambassador).status == S.ACTIVE


def test_invite_creates_an_invited_account_without_password_and_emails_a_link(
    db, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile, sent = services.ambassador_invite(
            email=" Lea.Martin@Exemple.FR ", first_name="Léa", last_name="Martin", actor=staff
        )

    assert sent is True
    assert profile.status == S.INVITED
    assert profile.invited_at is not None
    assert profile.user.email == "lea.martin@exemple.fr"
    assert not profile.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["lea.martin@exemple.fr"]
    assert "http://testserver/bienvenue/" in message.body
    entry = membership_history(profile).get()
    assert (entry.action, entry.user) == ("home.invite", staff)


def test_inviting_someone_who_already_has_a_profile_changes_nothing(db, staff, ambassador):
    profile, sent = services.ambassador_invite(email=ambassador.email, actor=staff)

    assert sent is False
    assert profile.status == S.ACTIVE
    assert ambassador.ambassador_profile.user.has_usable_password()


def test_staff_accounts_cannot_be_invited_as_ambassadors(db, staff):
    with pytest.raises(services.MembershipError):
        services.ambassador_invite(email=staff.email, actor=staff)
    assert not AmbassadorProfile.objects.filter(user=staff).exists()


def test_invitation_link_works_once_then_says_it_was_used(db, staff):
    profile, _sent = services.ambassador_invite(email="neuf@exemple.fr", actor=staff)
    token = tokens.invitation_token_make(profile.user)

    assert tokens.invitation_token_check(token).ok
    services.invitation_accept(user=profile.user, password="un-secret-tres-long")

    check = tokens.invitation_token_check(token)
    assert check.problem == tokens.TokenProblem.USED
    profile.refresh_from_db()
    assert profile.status == S.ACTIVE


def test_a_new_invitation_supersedes_the_previous_link(db, staff):
    profile, _sent = services.ambassador_invite(email="neuf@exemple.fr", actor=staff)
    first = tokens.invitation_token_make(profile.user)

    services.invitation_resend(profile=profile, actor=staff)

    assert tokens.invitation_token_check(first).problem == tokens.TokenProblem.SUPERSEDED
    profile.user.refresh_from_db()
    assert tokens.invitation_token_check(tokens.invitation_token_make(profile.user)).ok


def test_invitation_link_expires_after_seven_days(db, staff, monkeypatch):
    profile, _sent = services.ambassador_invite(email="neuf@exemple.fr", actor=staff)
    token = tokens.invitation_token_make(profile.user)
    now = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 7 * 24 * 3600 + 60)

    check = tokens.invitation_token_check(token)

    assert check.problem == tokens.TokenProblem.EXPIRED
    assert check.user == profile.user  # so a new link can be offered at once


@pytest.mark.parametrize("token", ["", "abc", "eyJ1IjoxfQ:1u:forged"])
def test_tampered_invitation_links_are_invalid(db, token):
    assert tokens.invitation_token_check(token).problem == tokens.TokenProblem.INVALID


def test_email_change_token_is_bound_to_the_current_address(db, ambassador):
    token = tokens.email_change_token_make(ambassador, "nouvelle@exemple.fr")
    check = tokens.email_change_token_check(token)
    assert check.ok and check.data == {"email": "nouvelle@exemple.fr"}

    services.email_change_confirm(user=ambassador, new_email="nouvelle@exemple.fr")

    assert tokens.email_change_token_check(token).problem == tokens.TokenProblem.USED


def test_email_change_to_a_taken_address_is_refused(db, ambassador):
    other = UserFactory(email="prise@exemple.fr")
    with pytest.raises(services.MembershipError):
        services.email_change_request(user=ambassador, new_email="PRISE@exemple.fr")
    assert other.email == "prise@exemple.fr"


def test_membership_request_for_a_known_address_creates_nothing(
    db, ambassador, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.membership_request_create(
            email=ambassador.email, first_name="X", last_name="Y", profile_fields={}
        )

    assert result is None
    assert User.objects.filter(email__iexact=ambassador.email).count() == 1
    assert [m.to for m in mail.outbox] == [[ambassador.email]]


@pytest.mark.django_db(transaction=True)
def test_two_staff_answering_the_same_request_at_once_move_it_once():
    """Approve and decline race: the row lock (PostgreSQL) or the IMMEDIATE transaction
    (SQLite) lets exactly one through; the other is refused by the state machine."""
    manager = UserFactory(is_superuser=True, is_staff=True)
    profile = AmbassadorProfileFactory(status=S.REQUESTED)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(move):
        try:
            barrier.wait(timeout=10)
            move(profile=AmbassadorProfile.objects.get(pk=profile.pk), actor=manager)
            outcomes.append("moved")
        except services.MembershipError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(services.membership_approve,)),
        threading.Thread(target=act, args=(services.membership_decline,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["moved", "refused"]
    profile.refresh_from_db()
    assert profile.status in (S.INVITED, S.DECLINED)
    assert membership_history(profile).count() == 1
