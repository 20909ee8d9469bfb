from django.db import models
from django.utils.translation import gettext_lazy as _


class Rights(models.Model):
    """Holds this app's role permissions; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (
            ("view_footage", _("Can view footage")),
            ("manage_footage", _("Can add and change cameras and footage")),
        )

    def __str__(self) -> str:
        return self._meta.app_label
