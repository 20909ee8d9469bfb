from django.urls import path

from dsar import views

app_name = "dsar"
urlpatterns = [
    path("", views.index, name="index"),
]
