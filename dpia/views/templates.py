"""Routes of this part of the DPIA app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
