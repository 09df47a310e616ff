"""Inside vs outside (issue 7, point 3): employees' and customers' trust side by side, with the gap."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.access import access_for_user
from reports.selectors_compare import INSIDE, OUTSIDE, comparison_charts, comparison_get


@login_required
def inside_outside(request, slug):
    access = access_for_user(user=request.user, slug=slug)
    comparison = comparison_get(access=access, params=request.GET)
    return render(request, "reports/compare.html", {
        "access": access, "c": comparison, "charts": comparison_charts(comparison),
        "inside_choices": comparison.choices[INSIDE], "outside_choices": comparison.choices[OUTSIDE],
        "trails": comparison.clear("down"), "ahead": comparison.clear("up")})
