"""Routes of this part of an assessment."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
