"""REST API for a customer portal or a VMS to log a data subject request: token
authentication only, described by the OpenAPI schema at /api/schema/."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Model
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.access import client_ip
from compliance.models import Organisation
from compliance.vault import VaultError
from dsar.models import Channel, RequestKind
from dsar.public import send_acknowledgement
from dsar.services import DsarError, dsar_create
from media_processing.models import Camera, Site

MAX_WINDOWS = 50
CONTACT_FIELDS = ("requester_email", "requester_phone", "requester_address")
# Times a little ahead of the server's clock are tolerated (the caller's clock may run fast).
CLOCK_SKEW = timedelta(minutes=5)


class CanHandleDsar(permissions.BasePermission):
    message = "This token's user may not log data subject requests (needs the DPO or DSAR handler role)."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("dsar.handle_dsar"))


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class RegisterReference(serializers.Field):  # type: ignore[type-arg]
    """A camera or site of the register: a number is its id, a text its exact name."""

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        what = self.model._meta.verbose_name
        if isinstance(data, bool) or not isinstance(data, int | str):
            message = _("Give a %(what)s's id (a number) or its name (a text).")
            raise serializers.ValidationError(message % {"what": what})
        found = self.model._default_manager.filter(**{"pk" if isinstance(data, int) else "name": data}).first()
        if found is None:
            if isinstance(data, int):
                message = _("There is no %(what)s with id %(id)s.")
            else:
                message = _("There is no %(what)s named %(name)r.")
            raise serializers.ValidationError(message % {"what": what, "id": data, "name": data})
        return found

    def to_representation(self, value: Any) -> Any:
        return value.pk


class WindowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateTimeField(
        help_text="ISO 8601. Without an offset it is read in the organisation's time zone."
    )
    end = serializers.DateTimeField(help_text="ISO 8601, after start.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


class RequestCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=RequestKind.choices, help_text="What the requester asks for.")
    channel = serializers.ChoiceField(
        choices=Channel.choices, default=Channel.API, help_text="How the request reached you; default api."
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="When the request was received (ISO 8601); default now. The statutory clock counts from "
        "the day after, in the organisation's time zone. Without an offset it is read in that zone.",
    )
    requester_name = serializers.CharField(max_length=200, help_text="Stored only as a vault pseudonym.")
    requester_email = serializers.EmailField(required=False, allow_blank=True, default="")
    requester_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    requester_address = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    cameras = serializers.ListField(
        child=RegisterReference(Camera), required=False, default=list, help_text="Camera ids or exact names."
    )
    sites = serializers.ListField(
        child=RegisterReference(Site), required=False, default=list, help_text="Site ids or exact names."
    )
    windows = WindowSerializer(
        many=True, required=False, default=list, max_length=MAX_WINDOWS,
        help_text="When the requester was filmed; the footage in these windows is preserved at once.",
    )  # fmt: skip
    acknowledge_by_email = serializers.BooleanField(
        default=False, help_text="E-mail the acknowledgement (reference and due date) to requester_email."
    )

    def validate_received_at(self, value: Any) -> Any:
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs[field].strip() for field in CONTACT_FIELDS):
            raise serializers.ValidationError(
                _("Give at least one way to reach the requester: %(fields)s.") % {"fields": ", ".join(CONTACT_FIELDS)}
            )
        if attrs["acknowledge_by_email"] and not attrs.get("requester_email"):
            raise serializers.ValidationError(
                {"acknowledge_by_email": [_("The acknowledgement can be e-mailed only with a requester_email.")]}
            )
        return attrs


class RequestCreatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField(help_text="Quote it to the requester, e.g. DSAR-2026-0007.")
    status = serializers.CharField(help_text="identity_pending: the clock waits for proof of identity.")
    due = serializers.DateField(help_text="The statutory due date (local date of the organisation).")
    extended_due = serializers.DateField(help_text="The due date if the deadline is extended.")
    url = serializers.URLField(help_text="The ticket's page for staff.")


EXAMPLE = {
    "kind": "access",
    "requester_name": "Jane Doe",
    "requester_email": "jane.doe@example.org",
    "description": "Red coat, entered through the main door.",
    "cameras": ["Entrance", 3],
    "windows": [{"start": "2026-03-02T14:00:00+01:00", "end": "2026-03-02T15:30:00+01:00"}],
}


class RequestCreate(APIView):
    permission_classes = [CanHandleDsar]
    parser_classes = [JSONParser]

    @extend_schema(
        request=RequestCreateSerializer,
        responses={
            201: RequestCreatedSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Field errors: {field: [messages]}; errors of list items under their index, e.g. "
                '{"windows": {"1": {"end": ["…"]}}}; errors of the whole request under non_field_errors.',
            ),
            401: OpenApiResponse(description="No token, or an unknown or revoked one."),
            403: OpenApiResponse(description="The token's user may not log data subject requests."),
        },
        examples=[OpenApiExample("Access request", value=EXAMPLE, request_only=True)],
        summary="Log a data subject request",
        description="Creates the request waiting for proof of identity, with the statutory deadlines of the "
        "organisation's country, and preserves the footage of the cameras, sites and windows given.",
    )
    def post(self, request: Request) -> Response:
        # Times without an offset, and the acknowledgement's dates, are the organisation's local time.
        with timezone.override(zoneinfo.ZoneInfo(Organisation.current().time_zone)):
            return self._create(request)

    def _create(self, request: Request) -> Response:
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            ticket = dsar_create(
                actor=request.user,
                kind=data["kind"],
                channel=data["channel"],
                received_at=data.get("received_at"),
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                requester_phone=data["requester_phone"],
                requester_address=data["requester_address"],
                description=data["description"],
                cameras=data["cameras"],
                sites=data["sites"],
                windows=[(window["start"], window["end"]) for window in data["windows"]],
                identity_pending=True,
                ip=client_ip(request._request),
            )
        except DsarError as exc:
            return Response({"non_field_errors": [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
        except VaultError:
            detail = _("The vault cannot pseudonymise the requester now; nothing was saved. Try again later.")
            return Response({"detail": detail}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if data["acknowledge_by_email"]:
            send_acknowledgement(ticket, data["requester_email"])
        body = {
            "reference": ticket.reference,
            "status": ticket.status,
            "due": ticket.due_on,
            "extended_due": ticket.extended_due_on,
            "url": request.build_absolute_uri(reverse("dsar:ticket", args=[ticket.pk])),
        }
        return Response(RequestCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


app_name = "dsar_api"
urlpatterns = [
    path("dsar/requests/", login_not_required(RequestCreate.as_view()), name="requests"),
]
