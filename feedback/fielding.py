"""How the surveys app fields a 360° wave: who is invited, what their emails and pages say (hooks registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from feedback import groups
from feedback.models import Nomination, Subject
from surveys.fielding import Invitee


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip() or person.email


class FeedbackFielding:
    templates = "feedback/emails"

    def invitees(self, wave) -> list[Invitee]:
        """The approved subjects themselves ("self") and their approved raters."""
        subjects = Subject.objects.filter(cycle__assessment=wave.assessment,
                                          status__in=[Subject.Status.APPROVED, Subject.Status.INVITED]).select_related("person")
        found = []
        for subject in subjects.order_by("pk"):
            about = _name(subject.person)
            key = str(subject.pk)
            found.append(Invitee(person_id=subject.person_id, subject_key=key,
                                 response_attributes={"subject": subject.pk, "group": groups.SELF},
                                 email_context={"about_name": about, "self_rating": True, "attributed": False}))
            for nomination in subject.nominations.filter(status=Nomination.Status.APPROVED, rater__is_active=True).order_by("pk"):
                found.append(Invitee(person_id=nomination.rater_id, subject_key=key,
                                     response_attributes={"subject": subject.pk, "group": nomination.group},
                                     email_context={"about_name": about, "self_rating": False,
                                                    "attributed": nomination.group == groups.MANAGER}))
        return found

    def invited(self, wave, invitations) -> None:
        """Link the new invitations to their nominations and subjects."""
        by_subject: dict[int, list] = {}
        for invitation in invitations:
            by_subject.setdefault(int(invitation.subject_key), []).append(invitation)
        for subject in Subject.objects.filter(pk__in=list(by_subject)).select_related("person"):
            nominations = {n.rater_id: n for n in subject.nominations.filter(status=Nomination.Status.APPROVED)}
            for invitation in by_subject[subject.pk]:
                if invitation.response_attributes.get("group") == groups.SELF:
                    subject.self_invitation = invitation
                elif invitation.person_id in nominations:
                    nomination = nominations[invitation.person_id]
                    nomination.invitation = invitation
                    nomination.save(update_fields=["invitation"])
            subject.status = Subject.Status.INVITED
            subject.save(update_fields=["self_invitation", "status"])

    def email_context(self, invitations) -> list[dict]:
        subjects = {s.pk: s for s in Subject.objects.filter(pk__in={int(i.subject_key) for i in invitations if i.subject_key})
                    .select_related("person")}
        contexts = []
        for invitation in invitations:
            subject = subjects.get(int(invitation.subject_key)) if invitation.subject_key else None
            group = invitation.response_attributes.get("group")
            contexts.append({"about_name": _name(subject.person) if subject else "", "self_rating": group == groups.SELF,
                             "attributed": group == groups.MANAGER})
        return contexts


def respondent_context(invitation) -> dict:
    """What the answering page shows a rater: whom it is about, whether they rate themself or answer attributed."""
    attributes = invitation.response_attributes or {}
    subject = Subject.objects.select_related("person", "cycle").filter(pk=attributes.get("subject")).first()
    if subject is None:
        return {}
    group = attributes.get("group", "")
    return {"about_name": _name(subject.person), "self_rating": group == groups.SELF, "attributed": group == groups.MANAGER,
            "group_label": str(groups.label(group)) if group else _("raters"), "min_raters": subject.cycle.min_raters}
