"""The fixed vocabularies of an assessment: stages, data categories, locations, legal
bases, the rating scales and the workflow states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from media_processing.models import LegalBasis


class Verdict(models.TextChoices):
    REQUIRED = "required", _("DPIA required")
    LIKELY = "likely", _("DPIA likely required")
    NOT_REQUIRED = "not_required", _("DPIA not required")


class StageKind(models.TextChoices):
    COLLECTION = "collection", _("Collection")
    STORAGE = "storage", _("Storage")
    PREPROCESSING = "preprocessing", _("Preprocessing")
    INFERENCE = "inference", _("Inference")
    OUTPUT = "output", _("Output")
    OTHER = "other", _("Other")


class DataCategory(models.TextChoices):
    IMAGES = "images", _("Images of people")
    FACES = "faces", _("Faces")
    PLATES = "plates", _("Licence plates")
    VOICE = "voice", _("Voice and sound")
    LOCATION = "location", _("Location and movement")
    BEHAVIOUR = "behaviour", _("Behaviour and activity")
    BIOMETRIC = "biometric", _("Biometric templates (face embeddings for matching)")
    DETECTIONS = "detections", _("Detections and tracks")
    IDENTITY = "identity", _("Identity and contact details")
    PSEUDONYMISED = "pseudonymised", _("Pseudonymised tokens")
    ANONYMISED = "anonymised", _("Anonymised data")


class Location(models.TextChoices):
    DEVICE = "device", _("On the device")
    ON_PREMISE = "on_premise", _("On premise")
    CLOUD_EU = "cloud", _("Cloud (EU/EEA)")
    THIRD_COUNTRY = "third_country", _("Third country")


class TransferSafeguard(models.TextChoices):
    NONE = "", _("None")
    ADEQUACY = "adequacy", _("Adequacy decision — Art. 45")
    SCC = "scc", _("Standard contractual clauses — Art. 46(2)(c)")
    BCR = "bcr", _("Binding corporate rules — Art. 47")
    DEROGATION = "derogation", _("Derogation for a specific situation — Art. 49")


# The camera register and the assessment speak of the same Art. 6 bases.
Art6Basis = LegalBasis


class Art9Condition(models.TextChoices):
    NONE = "", _("None (no special-category data)")
    EXPLICIT_CONSENT = "a", _("Explicit consent — Art. 9(2)(a)")
    EMPLOYMENT = "b", _("Employment and social security law — Art. 9(2)(b)")
    VITAL_INTERESTS = "c", _("Vital interests — Art. 9(2)(c)")
    MADE_PUBLIC = "e", _("Made manifestly public — Art. 9(2)(e)")
    LEGAL_CLAIMS = "f", _("Legal claims — Art. 9(2)(f)")
    SUBSTANTIAL_PUBLIC_INTEREST = "g", _("Substantial public interest — Art. 9(2)(g)")


class Scale(models.TextChoices):
    FOUR = "four", _("Four levels (negligible, limited, significant, maximum)")
    THREE = "three", _("Three by three (remote/possible/probable by minimal/significant/severe)")


class Level(models.IntegerChoices):
    """Four-level severity and likelihood. On the three-by-three scale only 1, 2 and 3 are used."""

    NEGLIGIBLE = 1, _("Negligible")
    LIMITED = 2, _("Limited")
    SIGNIFICANT = 3, _("Significant")
    MAXIMUM = 4, _("Maximum")


SEVERITY_THREE = {1: _("Minimal"), 2: _("Significant"), 3: _("Severe")}
LIKELIHOOD_THREE = {1: _("Remote"), 2: _("Possible"), 3: _("Probable")}


class RiskKind(models.TextChoices):
    ILLEGITIMATE_ACCESS = "illegitimate_access", _("Illegitimate access to personal data")
    UNWANTED_MODIFICATION = "unwanted_modification", _("Unwanted modification of personal data")
    DISAPPEARANCE = "disappearance", _("Disappearance of personal data")
    FUNCTION_CREEP = "function_creep", _("Function creep")
    REIDENTIFICATION = "reidentification", _("Re-identification")
    WRONGFUL_ACCUSATION = "wrongful_accusation", _("Wrongful accusation from false positives")
    BIAS = "bias", _("Bias against groups of people")
    AUTOMATED_DECISIONS = "automated_decisions", _("Automated decisions")
    CHILLING_EFFECT = "chilling_effect", _("Chilling effect in public space")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Effort(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


class SafeguardKind(models.TextChoices):
    PRIVACY = "privacy", _("Privacy-enhancing technique")
    SECURITY = "security", _("Security control")
    ORGANISATIONAL = "organisational", _("Organisational control")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for evaluation")
    EVALUATED = "evaluated", _("Evaluated, awaiting the DPO")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SectionVerdict(models.TextChoices):
    TO_CORRECT = "to_correct", _("To correct")
    IMPROVABLE = "improvable", _("Improvable")
    ACCEPTABLE = "acceptable", _("Acceptable")


class EffortRole(models.TextChoices):
    AUTHOR = "author", _("Author")
    EVALUATOR = "evaluator", _("Evaluator")
    DPO = "dpo", _("DPO")
