"""Demo data for `manage.py seed_demo`, as plain Python structures, one module per topic:
`units` (regions, unit trees, capacity), `staff` (staff logins and supervisors) and `trainees`
(the BT-läkare). Import the names from here.

Everything here is fictitious: the names of hospitals and health centres are real-sounding
(most exist), but the people, HSA-ids and personnummer are invented. The builder in
`demo.seed` turns these structures into a deterministic plan and writes it.

Unit references in SUPERVISORS, STAFF_LOGINS and CAPACITY_EXCEPTIONS are either "Parent/Child" or a
leaf name that is unique within the region (e.g. "Vårdcentralen Majorna").
"""

from demo.data.staff import HEADS_OF_UNIT, STAFF_LOGINS, SUPERVISORS
from demo.data.trainees import SPECIALTY_HOME, TRAINEES
from demo.data.units import CAPACITY_EXCEPTIONS, KLINIK_CATEGORY, SEED_REGIONS, UNIT_TREES

DEMO_PASSWORD = "demo-bt-2026"
RANDOM_SEED = 2026
# The demo is written as of this date: statuses fit it and no licence or degree lies after it.
AS_OF = "2026-11-02"

__all__ = [
    "AS_OF",
    "CAPACITY_EXCEPTIONS",
    "DEMO_PASSWORD",
    "HEADS_OF_UNIT",
    "KLINIK_CATEGORY",
    "RANDOM_SEED",
    "SEED_REGIONS",
    "SPECIALTY_HOME",
    "STAFF_LOGINS",
    "SUPERVISORS",
    "TRAINEES",
    "UNIT_TREES",
]
