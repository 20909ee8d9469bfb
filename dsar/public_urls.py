"""The pages a member of the public reaches without an account."""

from django.urls import path

from dsar import public

app_name = "dsar_public"
urlpatterns = [
    path("", public.request_form, name="form"),
    path("sent/<str:token>/", public.acknowledgement, name="acknowledgement"),
]
