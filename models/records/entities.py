"""Every mapped entity, importable from one place (and so registered on ``Base.metadata``)."""

from models.access.audit_chain import AuditEvent
from models.clinic.clinic_settings import ClinicSetting
from models.clinic.device_upkeep import DeviceLogEntry, DeviceTip
from models.clinic.stored_profiles import StoredProfile
from models.records.adverse_events import FollowUp, Incident
from models.records.area_day_counts import AreaDayCount
from models.records.equipment import Device
from models.records.imports import ImportBatch, ImportBatchSession, PulseTrace
from models.records.people import Patient, User
from models.records.treatment import (
    Amendment,
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.storage.base import Base
from models.workflow.courses import Course
from models.workflow.patch_tests import TestPatch, TestPatchRule

__all__ = [
    "Amendment",
    "Anaesthetic",
    "AreaDayCount",
    "AuditEvent",
    "Base",
    "ClinicSetting",
    "Course",
    "Device",
    "DeviceLogEntry",
    "DeviceTip",
    "FollowUp",
    "ImportBatch",
    "ImportBatchSession",
    "Incident",
    "ParameterSetting",
    "Patient",
    "PulseTrace",
    "Reaction",
    "Screening",
    "StoredProfile",
    "TestPatch",
    "TestPatchRule",
    "TreatedArea",
    "TreatmentSession",
    "User",
]
