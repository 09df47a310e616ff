"""A manager's own pages of reciprocal waves: the list, and per wave the prediction and the team rating forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.access import access_for_user
from assessments.models import Membership
from surveys import manager_forms as services
from surveys.forms import DIMENSION_LABELS
from surveys.forms_manager import PredictionForm, TeamRatingForm
from surveys.forms_respond import PREFIX
from surveys.instrument_format.fields import placeholders_filled
from surveys.manager_forms import PREDICTED, ManagerFormError
from surveys.templatetags.instrument_tags import lang, scale_points


def _manager_access(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    access.require(access.role == Membership.Role.MANAGER)  # owners, consultants, viewers: 403
    return access


@login_required
def manager_team(request, slug):
    access = _manager_access(request, slug)
    return render(request, "surveys/manager/team.html", {"access": access, "rows": services.manager_waves(access=access)})


@login_required
def manager_team_wave(request, slug, pk):
    access = _manager_access(request, slug)
    wave = services.manager_wave_get_for_user(access=access, pk=pk)
    view = services.manager_wave(access=access, wave=wave)
    version = view.rating.version if view.rating else services.team_form_version()
    instrument, items = services.team_form(version)
    which = request.POST.get("form") if request.method == "POST" else None
    prediction_form = PredictionForm(request.POST if which == "prediction" else None,
                                     initial=view.prediction.values if view.prediction else None)
    team_form = TeamRatingForm(request.POST if which == "team" else None, instrument=instrument, items=items)
    error = _save(request, access, wave, which, prediction_form, team_form) if request.method == "POST" else None
    if request.method == "POST" and error is None:
        return redirect("manager_team_wave", slug=slug, pk=wave.pk)
    language = get_language() if get_language() in instrument.languages else instrument.languages[0]
    sections = _sections(instrument, items, team_form, view.rating)
    return render(request, "surveys/manager/wave.html", {
        "access": access, "wave": wave, "assessment": wave.assessment, "view": view, "error": error, "which": which,
        "prediction_form": prediction_form, "prediction_rows": _prediction_rows(view.prediction),
        "team_form": team_form, "sections": sections,
        "first_error": next((q["item"].key for _s, questions in sections for q in questions if q["error"]), ""),
        "rating_rows": _rating_rows(instrument, items, view.rating, language, access.organisation.name),
        "language": language, "organisation": access.organisation,
    })


def _save(request, access, wave, which, prediction_form, team_form) -> str | None:
    """Save the posted form (prediction or team rating) through its service; None when saved, else the message."""
    try:
        if which == "prediction" and prediction_form.is_valid():
            services.prediction_save(actor=request.user, access=access, wave=wave, values=prediction_form.values())
            messages.success(request, _("Your prediction is saved."))
            return None
        if which == "team" and team_form.is_valid():
            services.team_rating_save(actor=request.user, access=access, wave=wave, answers=team_form.answers())
            messages.success(request, _("Your rating of your team is saved."))
            return None
    except ManagerFormError as exc:
        return str(exc)
    return {"prediction": _("Please correct the values marked below; nothing was saved."),
            "team": _("Please look at the questions marked below; nothing was saved.")}.get(
        which, _("Unknown form; please reload the page and try again."))


def _prediction_rows(prediction) -> list[tuple[str, int]]:
    return [(DIMENSION_LABELS[d], prediction.values.get(d)) for d in PREDICTED] if prediction else []


def _sections(instrument, items, form, rating) -> list[tuple[object, list[dict]]]:
    """The team form's sections with their questions: item, scale, the value shown and its error."""
    shown = form.shown_values(rating.answers if rating else None)
    sections = []
    for section in instrument.sections:
        questions = [{"item": item, "scale": instrument.scale_for(item), "value": shown.get(item.key),
                      "error": (form.errors.get(PREFIX + item.key) or [None])[0]}
                     for item in section.items if item in items]
        if questions:
            sections.append((section, questions))
    return sections


def _rating_rows(instrument, items, rating, language, organisation) -> list[tuple[str, str]]:
    """(question, answer in words) of a saved team rating, for reading after the form closed."""
    if rating is None:
        return []
    rows = []
    for item in items:
        value, scale = rating.answers.get(item.key), instrument.scale_for(item)
        words = dict(scale_points(scale, language))
        answer = lang(scale.dont_know, language) if value is None else f"{value} · {words.get(value, value)}"
        rows.append((placeholders_filled(lang(item.text, language), organisation), answer))
    return rows
