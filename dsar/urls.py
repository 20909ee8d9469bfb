from django.urls import path

from dsar.views import actions, files, tickets

app_name = "dsar"
urlpatterns = [
    path("", tickets.index, name="index"),
    path("new/", tickets.ticket_create, name="ticket_create"),
    path("<int:pk>/", tickets.ticket_detail, name="ticket"),
    path("<int:pk>/edit/", tickets.ticket_edit, name="ticket_edit"),
    path("<int:pk>/steps/<slug:action>/", actions.ticket_action, name="ticket_action"),
    path("<int:pk>/reveal/", files.reveal, name="reveal"),
    path("<int:pk>/photo/", files.photo, name="photo"),
    path("letters/<int:pk>/", files.letter_download, name="letter"),
]
