from django.urls import path

from dpia import views

app_name = "dpia"
urlpatterns = [
    path("", views.index, name="index"),
]
