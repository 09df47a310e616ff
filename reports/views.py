"""Dashboards (issue 7, point 2): organisation and manager dashboard, unit drill-down, heatmap; trust both ways
(issue 11)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.access import access_for_user
from reports.selectors import dashboard_charts, dashboard_get, heatmap_charts, heatmap_get
from reports.selectors_reciprocal import reciprocal_get


def _render_dashboard(request, slug, unit_pk=None):
    access = access_for_user(user=request.user, slug=slug)
    board = dashboard_get(access=access, params=request.GET, unit_pk=unit_pk)
    return render(request, "reports/dashboard.html",
                  {"access": access, "board": board, "charts": dashboard_charts(board),
                   "recip": reciprocal_get(board=board, access=access)})


@login_required
def dashboard(request, slug):
    return _render_dashboard(request, slug)


@login_required
def dashboard_unit(request, slug, unit_pk):
    return _render_dashboard(request, slug, unit_pk)


@login_required
def dashboard_heatmap(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    board = heatmap_get(access=access, params=request.GET)
    return render(request, "reports/heatmap.html", {"access": access, "board": board, "charts": heatmap_charts(board)})
