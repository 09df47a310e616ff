from django.urls import path

from surveys import views_fielding as views

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("new/", views.assessment_create_view, name="assessment_create"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/waves/new/", views.wave_schedule_view, name="wave_schedule"),
    path("waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/open/", views.wave_open_now, name="wave_open"),
    path("waves/<int:pk>/close/", views.wave_close_now, name="wave_close"),
    path("waves/<int:pk>/extend/", views.wave_extend_view, name="wave_extend"),
    path("waves/<int:pk>/invite-late/", views.wave_invite_late, name="wave_invite_late"),
    path("waves/<int:pk>/open-link/", views.wave_open_link, name="wave_open_link"),
]
