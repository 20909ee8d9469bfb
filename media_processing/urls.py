from django.urls import path

from media_processing import views

app_name = "media_processing"
urlpatterns = [
    path("", views.index, name="index"),
]
