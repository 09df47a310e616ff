"""Account pages that differ from Django's own."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from trustier.login_throttle import clear_lockouts


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the emailed link also lifts a login lockout on that account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        clear_lockouts(form.user.get_username())
        return response
