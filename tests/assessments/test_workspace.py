"""The consultant workspace: every client on one page with waves, response rates and the last Trust Index
(constant queries, anonymity rules), and creating a client organisation with its owner invited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Membership, Organisation, Person, Wave
from assessments.services import DomainError, client_organisation_create
from reports.models import TrendSnapshot
from surveys.models import Invitation
from tests.factories import AssessmentFactory, MembershipFactory, OrganisationFactory, UserFactory, WaveFactory
from trustier.models import AuditEvent, OutboxMessage

WORKSPACE = reverse("workspace")
CREATE = reverse("client_create")
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _wave(assessment, number, status, days=0):
    opens = T0 + datetime.timedelta(days=days)
    closed = opens + datetime.timedelta(days=14) if status in ("closed", "released") else None
    return WaveFactory(assessment=assessment, number=number, status=status, opens_at=opens,
                       opened_at=opens if status != "draft" else None, closed_at=closed)


def _invite(wave, invited, answered):
    org = wave.assessment.organisation
    people = Person.objects.bulk_create(Person(organisation=org, external_id=f"w{wave.pk}-{i}", email=f"p{i}@x.test")
                                        for i in range(invited))
    Invitation.objects.bulk_create(Invitation(wave=wave, person=p, token_hash=f"{wave.pk}-{p.pk}",
                                              answered=i < answered) for i, p in enumerate(people))


def _snapshot(wave, measure, **figures):
    return TrendSnapshot.objects.create(organisation=wave.assessment.organisation, assessment=wave.assessment,
                                        wave=wave, unit=None, measure=measure, computed_at=timezone.now(),
                                        source_hash="t", **figures)


def _built(wave, *, ti=(62.4, 58.1, 66.7), n=40, invited=50):
    _snapshot(wave, "trust_index", n=n, mean_pomp=ti[0], ci_low_pomp=ti[1], ci_high_pomp=ti[2])
    _snapshot(wave, "response_rate", n=n, n_invited=invited, mean=n / invited)


def _card(response, slug):
    return next(c for c in response.context["cards"] if c.slug == slug)


def _main(response) -> str:
    """The page without the navbar (whose organisation switcher names every organisation of the user)."""
    return response.content.decode().split('<main id="main"', 1)[1]


# ---------------------------------------------------------------- the workspace page


def test_consultant_sees_every_client_with_waves_rates_and_trust_index(client, personas, org, other_org):
    # given a consultant of acme and of "other", where acme's anonymous assessment has a built closed wave 1
    # and an open wave 2 (23 invited, 13 answered), and other's has only a scheduled draft
    consultant = personas["consultant"]
    MembershipFactory(user=consultant, organisation=other_org, role="consultant")
    inside = AssessmentFactory(organisation=org, name="Trust inside 2026")
    _built(_wave(inside, 1, "closed"))
    _invite(_wave(inside, 2, "open", days=90), invited=23, answered=13)
    _wave(AssessmentFactory(organisation=other_org, name="Customer trust", audience="outside"), 1, "draft", days=30)
    client.force_login(consultant)
    # when they open the workspace
    response = client.get(WORKSPACE)
    page = _main(response)
    # then both clients are listed with their role, assessments and the open wave
    assert [c.name for c in response.context["cards"]] == ["Acme", "Other"]
    assert "Trust inside 2026" in page and "Customer trust" in page and "Consultant" in page
    line = _card(response, "acme").assessments[0]
    assert (line.wave.number, line.wave.status) == (2, "open")
    # and the open anonymous wave's answers only in steps of 5: 13 shows as "at least 10" (43%), never 13
    assert (line.rate.answered, line.rate.invited, line.rate.percent) == (10, 23, 43)
    assert "at least 10 of 23 invited" in page and "13 of 23" not in page
    # and the last Trust Index is wave 1's, with its interval and n
    assert "62<span class=\"visually-hidden\"> out of 100</span>" in page
    assert "95% interval 58–67 · n = 40" in page and "wave 1" in page
    assert line.trust.value == 62.4
    # and the draft-only client says so
    other_line = _card(response, "other").assessments[0]
    assert other_line.rate.state == "not_open" and other_line.trust.state == "not_built"
    assert "opens 1 Apr 2026" in page and "not yet built" in page


def test_closed_wave_shows_its_response_rate_snapshot(client, personas, org):
    # given a closed wave with a built response_rate row: 40 of 50 invited
    assessment = AssessmentFactory(organisation=org)
    _built(_wave(assessment, 1, "released"))
    client.force_login(personas["owner"])
    # when the owner opens the workspace
    page = _main(client.get(WORKSPACE))
    # then the rate is the snapshot's, with n of invited
    assert "80%" in page and "40 of 50 invited" in page and "Released" in page


def test_suppressed_snapshots_show_no_figure_not_even_n(client, personas, org):
    # given a closed wave whose organisation rows are suppressed
    assessment = AssessmentFactory(organisation=org)
    wave = _wave(assessment, 1, "closed")
    _snapshot(wave, "trust_index", suppressed=True)
    _snapshot(wave, "response_rate", suppressed=True)
    client.force_login(personas["consultant"])
    # when the consultant opens the workspace
    response = client.get(WORKSPACE)
    # then both say hidden, with the threshold and nothing else
    line = _card(response, "acme").assessments[0]
    assert line.rate.state == "hidden" and line.trust.state == "hidden"
    assert line.trust.n is None and line.rate.answered is None
    assert _main(response).count("hidden (fewer than 5)") == 2
    assert "n =" not in _main(response)


def test_closed_wave_without_snapshot_is_not_yet_built(client, personas, org):
    # given a closed wave whose snapshots have not been built yet
    _wave(AssessmentFactory(organisation=org), 1, "closed")
    client.force_login(personas["consultant"])
    # when the consultant opens the workspace
    response = client.get(WORKSPACE)
    # then the rate and the Trust Index both say so
    line = _card(response, "acme").assessments[0]
    assert line.rate.state == "not_built" and line.trust.state == "not_built"
    assert _main(response).count("not yet built") == 2


def test_open_anonymous_wave_with_fewer_invited_than_the_threshold_shows_nothing(client, personas, org):
    # given an open anonymous wave with 4 invited people, 4 of whom answered
    _invite(_wave(AssessmentFactory(organisation=org), 1, "open"), invited=4, answered=4)
    client.force_login(personas["consultant"])
    # when the consultant opens the workspace / then the rate is hidden, without counts
    response = client.get(WORKSPACE)
    assert _card(response, "acme").assessments[0].rate.state == "hidden"
    assert "of 4 invited" not in _main(response)


def test_open_confidential_wave_counts_every_answer(client, personas, org):
    # given an open confidential wave: 12 invited, 7 answered
    _invite(_wave(AssessmentFactory(organisation=org, anonymity="confidential"), 1, "open"), invited=12, answered=7)
    client.force_login(personas["consultant"])
    # then the live count is exact, as on the wave page
    page = _main(client.get(WORKSPACE))
    assert "7 of 12 invited so far" in page and "58%" in page


def test_manager_gets_no_organisation_wide_figures(client, personas, org):
    # given a built wave of acme
    _built(_wave(AssessmentFactory(organisation=org, name="Inside"), 1, "closed"))
    client.force_login(personas["manager"])
    # when the manager of Sales opens the workspace
    response = client.get(WORKSPACE)
    # then they see the assessment and wave, but no organisation figure
    line = _card(response, "acme").assessments[0]
    assert line.wave.number == 1 and line.rate is None and line.trust is None
    page = _main(response)
    assert "Inside" in page and "n = " not in page and "of 50 invited" not in page
    assert "Your unit's figures are on its dashboard." in page
    assert not response.context["can_create"]


def _client_with_assessments(consultant, n_assessments):
    organisation = OrganisationFactory()
    MembershipFactory(user=consultant, organisation=organisation, role="consultant")
    for i in range(n_assessments):
        assessment = AssessmentFactory(organisation=organisation, anonymity="anonymous" if i % 2 else "confidential")
        _built(_wave(assessment, 1, "closed"))
        _invite(_wave(assessment, 2, "open", days=90), invited=6, answered=i)
        _wave(assessment, 3, "draft", days=180)


@pytest.mark.parametrize("n_orgs", [1, 4])
def test_workspace_runs_a_constant_number_of_queries(db, client, django_assert_num_queries, n_orgs):
    # given a consultant of 1 client with 1 assessment, or of 4 clients with 3 assessments (3 waves each)
    consultant = UserFactory()
    for _i in range(n_orgs):
        _client_with_assessments(consultant, 1 if n_orgs == 1 else 3)
    client.force_login(consultant)
    # when they open the workspace
    # then the statements are the same: session, user, two-factor device check, the two-factor rule's memberships,
    # memberships, assessments+waves, live counts, snapshots, the navbar's organisation switcher, and the session
    # saved on every request (idle timeout: savepoint, update, release)
    with django_assert_num_queries(12):
        response = client.get(WORKSPACE)
    assert response.status_code == 200
    assert sum(len(c.assessments) for c in response.context["cards"]) == (1 if n_orgs == 1 else 12)
    assert all(a.trust.state == "shown" for c in response.context["cards"] for a in c.assessments)


def test_user_without_organisations_sees_an_explanation(client, user):
    # given a user without any membership / when they open the workspace / then it explains why it is empty
    client.force_login(user)
    response = client.get(WORKSPACE)
    assert response.status_code == 200 and "not a member of any organisation yet" in response.content.decode()


def test_home_sends_consultants_to_the_workspace_and_others_to_their_organisation(client, personas):
    # given a consultant and an owner of one organisation / when they open the start page
    # then the consultant goes to the workspace, the owner straight to the organisation
    client.force_login(personas["consultant"])
    assert client.get(reverse("home"))["Location"] == WORKSPACE
    client.force_login(personas["owner"])
    assert client.get(reverse("home"))["Location"] == reverse("organisation", kwargs={"slug": "acme"})


# ---------------------------------------------------------------- creating a client organisation


def _form(**overrides):
    return {"name": "Beta Care", "slug": "beta-care", "owner_name": "Bea Boss", "owner_email": "Bea@Beta.test",
            "language": "nl", **overrides}


def _emails_to(address):
    return [m.payload for m in OutboxMessage.objects.order_by("pk") if m.payload.get("to") == [address]]


@pytest.mark.parametrize("persona", ["owner", "manager", "viewer", "outsider"])
def test_only_consultants_may_create_clients(client, personas, persona):
    # given someone who is consultant nowhere / when they open or post the form / then 403 and nothing is created
    client.force_login(personas[persona])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form()).status_code == 403
    assert not Organisation.objects.filter(slug="beta-care").exists()


def test_anonymous_visitor_is_sent_to_log_in(client):
    # given nobody logged in / when opening either page / then the login page
    assert client.get(CREATE)["Location"].startswith(reverse("login"))
    assert client.get(WORKSPACE)["Location"].startswith(reverse("login"))


def test_consultant_creates_a_client_and_its_owner_is_invited_in_dutch(client, personas):
    # given a consultant of acme on the form
    consultant = personas["consultant"]
    client.force_login(consultant)
    assert client.get(CREATE).status_code == 200
    # when they create Beta Care with a Dutch invitation for its owner
    response = client.post(CREATE, _form())
    # then they land on the new organisation's page as its consultant
    assert response["Location"] == reverse("organisation", kwargs={"slug": "beta-care"})
    beta = Organisation.objects.get(slug="beta-care")
    roles = {m.user.email: m.role for m in Membership.objects.filter(organisation=beta).select_related("user")}
    assert roles == {consultant.email: "consultant", "bea@beta.test": "owner"}
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Beta Care" in page.content.decode()
    # and the owner's invitation waits in the outbox, in Dutch, with a set-password link
    [email] = _emails_to("bea@beta.test")
    assert email["subject"] == "Je bent uitgenodigd voor Beta Care op Trustier"
    assert "/accounts/reset/" in email["body"]
    assert Membership.objects.get(organisation=beta, role="owner").user.language == "nl"
    # and the creation and both memberships are audited
    verbs = sorted(AuditEvent.objects.filter(organisation=beta).values_list("verb", flat=True))
    assert verbs == ["membership.set", "membership.set", "organisation.created"]
    assert AuditEvent.objects.get(organisation=beta, verb="organisation.created").actor == consultant


def test_invitation_in_english_when_chosen(client, personas):
    # given a consultant / when they create a client with an English invitation / then the email is English
    client.force_login(personas["consultant"])
    client.post(CREATE, _form(language="en"))
    [email] = _emails_to("bea@beta.test")
    assert email["subject"] == "You have been invited to Beta Care on Trustier"


def test_an_existing_user_as_owner_gets_a_notice_instead_of_a_password_link(client, personas):
    # given the owner of the other organisation, who has an account already
    outsider = personas["outsider"]
    client.force_login(personas["consultant"])
    # when a consultant makes them owner of a new client
    client.post(CREATE, _form(owner_email=outsider.email, language="en"))
    # then they are its owner and get a notice with a link to it
    assert Membership.objects.get(organisation__slug="beta-care", user=outsider).role == "owner"
    [email] = _emails_to(outsider.email)
    assert email["subject"] == "You are now owner of Beta Care on Trustier" and "/o/beta-care/" in email["body"]


def test_double_submit_creates_one_organisation_and_explains_the_second(client, personas):
    # given a consultant / when the same form is posted twice
    client.force_login(personas["consultant"])
    first = client.post(CREATE, _form())
    second = client.post(CREATE, _form())
    # then one organisation, one invitation, and the second post explains why on the form
    assert first.status_code == 302 and second.status_code == 200
    assert Organisation.objects.filter(slug="beta-care").count() == 1
    assert "The address beta-care is taken: choose another." in second.content.decode()
    assert len(_emails_to("bea@beta.test")) == 1


@pytest.mark.parametrize("slug", ["Bad Slug!", "-beta", "beta_care", "x" * 51, "acme"])
def test_bad_or_taken_slug_is_a_form_error(client, personas, slug):
    # given a consultant / when they post a malformed or taken address / then a form error, nothing created
    client.force_login(personas["consultant"])
    response = client.post(CREATE, _form(slug=slug))
    assert response.status_code == 200 and response.context["form"].errors["slug"]
    assert Organisation.objects.count() == 2  # acme and other only


def test_empty_slug_is_derived_from_the_name(client, personas):
    # given a consultant / when they leave the address empty / then it is made from the name
    client.force_login(personas["consultant"])
    response = client.post(CREATE, _form(name="Zorggroep Één", slug=""))
    assert response["Location"] == reverse("organisation", kwargs={"slug": "zorggroep-een"})


def test_bad_email_and_missing_fields_are_form_errors(client, personas):
    # given a consultant / when they post a bad email, no name and an unknown language / then form errors, no 500
    client.force_login(personas["consultant"])
    response = client.post(CREATE, _form(owner_email="not-an-address", name="", slug="", language="fr"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner_email", "name", "language"}


def test_the_service_refuses_non_consultants_a_taken_slug_and_the_consultant_as_owner(personas):
    # given the service called directly (no form in front of it)
    with pytest.raises(DomainError, match="Only consultants"):
        client_organisation_create(actor=personas["owner"], name="B", slug="b", owner_email="b@b.test", base_url="")
    consultant = personas["consultant"]
    client_organisation_create(actor=consultant, name="B", slug="b", owner_email="b@b.test", base_url="")
    # a second request that passed the form's check at the same moment ends in the database's unique slug
    with pytest.raises(DomainError, match="taken"):
        client_organisation_create(actor=consultant, name="B", slug="b", owner_email="b@b.test", base_url="")
    with pytest.raises(DomainError, match="consultant"):
        client_organisation_create(actor=consultant, name="C", slug="c", owner_email=consultant.email, base_url="")
    assert Organisation.objects.filter(slug__in=["b", "c"]).count() == 1


# ---------------------------------------------------------------- switching client keeps data apart


def test_after_creating_client_b_the_pages_of_client_a_show_nothing_of_b(client, personas, org):
    # given the consultant of acme creates client B and B gets a unit, a person and an assessment
    consultant = personas["consultant"]
    client.force_login(consultant)
    landed = client.post(CREATE, _form(name="Beta Secret Care", slug="beta-secret"), follow=True)
    assert landed.redirect_chain[-1][0] == reverse("organisation", kwargs={"slug": "beta-secret"})
    beta = Organisation.objects.get(slug="beta-secret")
    from tests.factories import PersonFactory, unit_tree

    PersonFactory(organisation=beta, unit=unit_tree(beta, ["Hidden Lab"])["Hidden Lab"], email="spy@beta.test")
    AssessmentFactory(organisation=beta, name="Beta pulse")
    # when they open acme's pages
    for name in ("organisation", "units", "people", "assessment_list", "incident_list", "instrument_list"):
        response = client.get(reverse(name, kwargs={"slug": "acme"}))
        # then nothing of B is in them (its name only in the navbar's organisation switcher)
        assert response.status_code == 200, name
        main = _main(response)
        for secret in ("Beta Secret Care", "Hidden Lab", "spy@beta.test", "bea@beta.test", "Beta pulse"):
            assert secret not in main, (name, secret)
    # and B's own pages work for the consultant, but are 404 for acme's owner and for the outsider
    for name in ("organisation", "units", "people", "assessment_list"):
        url = reverse(name, kwargs={"slug": "beta-secret"})
        assert client.get(url).status_code == 200
    for persona in ("owner", "outsider"):
        client.force_login(personas[persona])
        assert client.get(reverse("organisation", kwargs={"slug": "beta-secret"})).status_code == 404
        assert client.get(reverse("people", kwargs={"slug": "beta-secret"})).status_code == 404
    # and the workspace of acme's owner does not list B
    assert [c.slug for c in client.get(WORKSPACE).context["cards"]] == ["other"]


def test_outsider_gets_404_on_foreign_pages_and_a_nonsense_slug_is_404(client, personas):
    # given the outsider and the consultant / when they open a foreign or unknown organisation / then 404
    client.force_login(personas["outsider"])
    assert client.get(reverse("organisation", kwargs={"slug": "acme"})).status_code == 404
    client.force_login(personas["consultant"])
    assert client.get("/o/no-such-client/").status_code == 404


def test_wave_statuses_pick_the_current_wave(client, personas, org):
    # given waves 1 and 2 closed and 3 scheduled
    assessment = AssessmentFactory(organisation=org)
    for number, status in ((1, "closed"), (2, "closed"), (3, "draft")):
        _wave(assessment, number, status, days=90 * number)
    client.force_login(personas["consultant"])
    # then wave 2 is shown, with wave 3 as the next one
    line = _card(client.get(WORKSPACE), "acme").assessments[0]
    assert (line.wave.number, line.next_wave.number) == (2, 3)
    assert Wave.objects.count() == 3
