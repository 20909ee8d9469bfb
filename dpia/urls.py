"""The DPIA pages; each part of an assessment lists its own routes in its view module."""

from django.urls import path

from dpia.views import (
    assessment,
    export,
    flowmap,
    index,
    legal,
    living,
    questionnaire,
    risks,
    safeguards,
    screening,
    templates,
    workflow,
)

app_name = "dpia"
urlpatterns = [
    path("", index.index, name="index"),
    *assessment.urlpatterns,
    *screening.urlpatterns,
    *questionnaire.urlpatterns,
    *flowmap.urlpatterns,
    *legal.urlpatterns,
    *risks.urlpatterns,
    *safeguards.urlpatterns,
    *templates.urlpatterns,
    *workflow.urlpatterns,
    *export.urlpatterns,
    *living.urlpatterns,
]
