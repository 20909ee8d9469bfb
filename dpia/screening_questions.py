"""The screening questionnaire: the nine EDPB criteria (WP248), the three cases of
Art. 35(3) GDPR, the national-list case of constant employee monitoring, and one
question about the system itself (biometric identification).

Plain data; `dpia.screening` applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

YES, NO, UNSURE = "yes", "no", "unsure"
ANSWER_CHOICES = ((YES, _("Yes")), (NO, _("No")), (UNSURE, _("Not sure")))

# Groups, in the order the page asks them.
SYSTEM = "system"
WP248 = "wp248"
ART35 = "art35"
NATIONAL = "national"
GROUPS = (
    (SYSTEM, _("The system")),
    (WP248, _("The nine criteria of the EDPB (WP248)")),
    (ART35, _("The cases of Art. 35(3) GDPR, which always need a DPIA")),
    (NATIONAL, _("National lists of processing that always needs a DPIA")),
)


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    name: str | _StrPromise  # the criterion's short name, used in the reasons
    label: str | _StrPromise
    help: str | _StrPromise


QUESTIONS = (
    Question(
        "biometric",
        SYSTEM,
        _("Biometric identification"),
        _("Does the system turn faces or other body features into templates to recognise or single out individuals?"),
        _(
            "For example face embeddings compared with a watch list, or following the same person from camera to "
            "camera by their features. Finding faces only to blur them is not biometric identification."
        ),
    ),
    Question(
        "evaluation",
        WP248,
        _("Evaluation or scoring"),
        _("Does the processing evaluate or score people: their behaviour, reliability, performance or movements?"),
        _(
            "E.g. flagging “suspicious” behaviour, timing how long staff stay at their posts, profiling shoppers by "
            "their route through a store. Counting people without telling them apart is not scoring."
        ),
    ),
    Question(
        "automated_decision",
        WP248,
        _("Automated decisions with a significant effect"),
        _("Do decisions that affect people legally or in a similarly significant way follow from the system's output?"),
        _(
            "E.g. entry refused, a fine raised or a customer banned because the system said so. A person who only "
            "confirms what the system proposes, without real power to decide otherwise, is not a human review."
        ),
    ),
    Question(
        "systematic_monitoring",
        WP248,
        _("Systematic monitoring"),
        _("Are people watched, recorded or tracked in a regular, organised way?"),
        _(
            "Continuous or scheduled recording of an area is systematic, all the more where people cannot avoid "
            "it: a street, a station, a shop entrance. Cameras filming a public or customer area answer this."
        ),
    ),
    Question(
        "sensitive_data",
        WP248,
        _("Sensitive or highly personal data"),
        _("Can the footage or its analysis reveal sensitive or highly personal information?"),
        _(
            "Health (a clinic's waiting room), religion (a place of worship), sex life, political or trade-union "
            "activity, biometric templates; also private conversations caught on sound. Cameras filming a "
            "sensitive area or recording audio answer this."
        ),
    ),
    Question(
        "large_scale",
        WP248,
        _("Large scale"),
        _("Is the processing large-scale?"),
        _(
            "Weigh how many people are filmed (or what share of a population), how much footage is kept and for how "
            "long, and how wide an area is covered. Two cameras in a small shop are not large-scale; a city-centre "
            "network, a station or a chain of stores is."
        ),
    ),
    Question(
        "matching",
        WP248,
        _("Matching or combining data sets"),
        _("Is the footage matched or combined with other data in a way people would not expect?"),
        _(
            "E.g. plate readings linked to a customer file, faces compared with a list of banned people, footage "
            "joined with badge or till records."
        ),
    ),
    Question(
        "vulnerable",
        WP248,
        _("Vulnerable people"),
        _("Are the people filmed in a weak position towards the organisation, or otherwise vulnerable?"),
        _(
            "Employees (the imbalance of power makes refusing or objecting hard), children, patients, elderly "
            "people, asylum seekers. Cameras filming a workplace answer this."
        ),
    ),
    Question(
        "innovative",
        WP248,
        _("Innovative technology"),
        _("Does the processing use new technology, or known technology in a new way?"),
        _(
            "E.g. face recognition, behaviour or emotion analysis, drones, body-worn cameras. Recording, and "
            "redaction with established tools, are usually not innovative."
        ),
    ),
    Question(
        "blocks_right",
        WP248,
        _("Blocking a right or a service"),
        _("Can the processing stop people from using a service, entering a place or exercising a right?"),
        _("E.g. entry refused on a camera's verdict, a shop or stadium closed to people on a list."),
    ),
    Question(
        "art35_evaluation",
        ART35,
        _("Art. 35(3)(a): systematic and extensive evaluation with significant effects"),
        _(
            "Are personal aspects evaluated systematically and extensively by automated means, with decisions "
            "based on it that affect people legally or similarly significantly?"
        ),
        _(
            "Profiling that leads to decisions about people: automatic bans, or a rating of staff behaviour that "
            "is used for their contracts. Answering yes to both evaluation and automated decisions counts as yes."
        ),
    ),
    Question(
        "art35_special_large",
        ART35,
        _("Art. 35(3)(b): special-category data on a large scale"),
        _("Are special categories of data (Art. 9) or data on criminal offences (Art. 10) processed on a large scale?"),
        _(
            "Footage becomes special-category data when it is processed to identify people uniquely (biometric "
            "templates), or when where it is filmed reveals health, religion and the like. Biometric "
            "identification on a large scale counts as yes."
        ),
    ),
    Question(
        "art35_public_monitoring",
        ART35,
        _("Art. 35(3)(c): systematic monitoring of a publicly accessible area on a large scale"),
        _("Is an area open to the public monitored systematically and on a large scale?"),
        _(
            "The typical CCTV case: streets, stations, shopping centres, large shop floors, public car parks. "
            "An area is publicly accessible when anyone may walk in, even on private ground. A camera filming a "
            "public or customer area on a processing you call large-scale counts as yes."
        ),
    ),
    Question(
        "employee_monitoring",
        NATIONAL,
        _("Constant monitoring of employees' activity"),
        _("Are employees' activities monitored constantly?"),
        _(
            "Supervisory authorities list this among the processing that always needs a DPIA: cameras trained on "
            "workstations, tills or a warehouse floor throughout the working day. Staff passing an entrance now "
            "and then is not constant monitoring."
        ),
    ),
)

BY_KEY = {question.key: question for question in QUESTIONS}
CRITERIA = tuple(question.key for question in QUESTIONS if question.group == WP248)
MANDATORY = tuple(question.key for question in QUESTIONS if question.group in (ART35, NATIONAL))
