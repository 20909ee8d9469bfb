"""The requester's download pages (no account): the link staff sent, and its two files."""

from django.urls import path

from dsar import download

app_name = "dsar_download"
urlpatterns = [
    path("<str:token>/", download.link_page, name="link"),
    path("<str:token>/letter/", download.file_download, {"which": "letter"}, name="letter"),
    path("<str:token>/package/", download.file_download, {"which": "package"}, name="package"),
]
