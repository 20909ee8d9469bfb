from django.db import models
from django.utils.translation import gettext_lazy as _


class Rights(models.Model):
    """Holds this app's role permissions; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (
            ("view_dpia", _("Can view impact assessments")),
            ("edit_dpia", _("Can edit impact assessments")),
            ("evaluate_dpia", _("Can evaluate impact assessments")),
            ("sign_dpia", _("Can give the DPO opinion and sign off impact assessments")),
        )

    def __str__(self) -> str:
        return self._meta.app_label
