"""What other apps call to route their work by duty: `open_work` when a workflow step needs a department,
`assign_work` when an official of it takes the item, `close_work` when the step is done. The department is never
named by the caller: it is the one that holds the duty for the record's jurisdiction."""

from aiplus.departments.catalogue import (
    COMPUTE_ALLOCATION,
    DATA_SUPPLY,
    ETHICS_REVIEW,
    FILINGS_GUIDANCE,
    INCIDENTS,
    MEASURES_VERIFICATION,
    OPC_RESIDENCY,
    RISK_SUPERVISION,
    SANDBOX_SUPERVISION,
    SCENARIO_REVIEW,
    SUPPORT_APPLICATIONS,
)
from aiplus.departments.services import assign_work, close_work, open_work

__all__ = ["COMPUTE_ALLOCATION", "DATA_SUPPLY", "ETHICS_REVIEW", "FILINGS_GUIDANCE", "INCIDENTS",
           "MEASURES_VERIFICATION", "OPC_RESIDENCY", "RISK_SUPERVISION", "SANDBOX_SUPERVISION", "SCENARIO_REVIEW",
           "SUPPORT_APPLICATIONS", "assign_work", "close_work", "open_work"]
