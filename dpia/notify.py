"""E-mail to the data protection officer about an assessment (drift, reviews).

The messages name the assessment, the cameras and the policies: configuration, never a
person filmed or a requester, so a mailbox holds nothing from the footage or the vault.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from compliance.models import Organisation
from dpia.models import Assessment


def dpo_addresses() -> list[str]:
    """The DPO's address from the organisation settings; without one, every active user
    who may sign assessments off and has an address."""
    address = Organisation.current().dpo_email
    if address:
        return [address]
    users = get_user_model().objects.filter(is_active=True, email__gt="")
    signers = users.filter(
        Q(groups__permissions__codename="sign_dpia", groups__permissions__content_type__app_label="dpia")
        | Q(user_permissions__codename="sign_dpia", user_permissions__content_type__app_label="dpia")
    )
    return sorted({user.email for user in signers.distinct()})


def assessment_link(assessment: Assessment) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('dpia:assessment', args=[assessment.reference])}"


def mail_dpo(assessment: Assessment, subject: str, lines: list[str]) -> str:
    """Send one message with the assessment's link; returns to whom, in words, for its history.

    Raises `smtplib.SMTPException` / `OSError` when the mail server refuses: callers
    record nothing then, so the next run tries again.
    """
    recipients = dpo_addresses()
    if not recipients:
        return _("nobody: set the DPO's e-mail address in the organisation settings")
    body = [*lines, "", _("Open the assessment: %(link)s") % {"link": assessment_link(assessment)}]
    send_mail(subject, "\n".join(body), None, recipients)
    return ", ".join(recipients)
