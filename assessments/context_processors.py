def memberships(request):
    """The organisations the user can switch between (one query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_memberships": user.memberships.select_related("organisation").order_by("organisation__name")}
