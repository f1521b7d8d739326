from aiplus.core.models.audit import AuditEvent
from aiplus.core.models.calendar import HolidayNotice
from aiplus.core.models.departments import Department, DepartmentDuty, DutySourceKind
from aiplus.core.models.jobs import JobProgress, WorkerHeartbeat
from aiplus.core.models.jurisdictions import Jurisdiction, JurisdictionLevel
from aiplus.core.models.notifications import Notification
from aiplus.core.models.organisations import ChainLayer, Organisation, OrganisationKind
from aiplus.core.models.signin import SignInFailure, TotpDevice
from aiplus.core.models.users import ApiToken, ObjectPermission, Role, RoleAssignment, User
from aiplus.core.models.workflow import TimerStatus, TransitionRecord, WorkflowTimer

__all__ = [
    "ApiToken",
    "AuditEvent",
    "ChainLayer",
    "Department",
    "DepartmentDuty",
    "DutySourceKind",
    "HolidayNotice",
    "JobProgress",
    "Jurisdiction",
    "JurisdictionLevel",
    "Notification",
    "ObjectPermission",
    "Organisation",
    "OrganisationKind",
    "Role",
    "RoleAssignment",
    "SignInFailure",
    "TimerStatus",
    "TotpDevice",
    "TransitionRecord",
    "User",
    "WorkerHeartbeat",
    "WorkflowTimer",
]
