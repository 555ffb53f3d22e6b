"""Supervisor qualification (handledare): specialist, handledarutbildning, BT-handledarutbildning."""

from __future__ import annotations

from .findings import INFO, WARNING, finding
from .model import Finding
from .programmes import Programme, resolve


def check_supervisor(
    *, is_specialist: bool, has_supervisor_training: bool, has_bt_supervisor_training: bool, programme: Programme | str
) -> list[Finding]:
    """Findings about one supervisor against the programme's supervisor requirements.

    SUPERVISOR_NOT_SPECIALIST and SUPERVISOR_NO_TRAINING are warnings; SUPERVISOR_NO_BT_TRAINING
    is a warning where the region requires BT-handledarutbildning (Gävleborg) and info where it
    only recommends it (Jönköping). None of them is an error: the verksamhetschef decides.
    """
    req = resolve(programme).supervisor_requirements
    out: list[Finding] = []
    if req.specialist and not is_specialist:
        out.append(finding("SUPERVISOR_NOT_SPECIALIST"))
    if req.handledarutbildning and not has_supervisor_training:
        out.append(finding("SUPERVISOR_NO_TRAINING"))
    if not has_bt_supervisor_training and req.bt_handledarutbildning in ("required", "recommended"):
        severity = WARNING if req.bt_handledarutbildning == "required" else INFO
        out.append(finding("SUPERVISOR_NO_BT_TRAINING", severity, requirement=req.bt_handledarutbildning))
    return out
