"""Every mapped entity, importable from one place (and so registered on ``Base.metadata``)."""

from models.adverse_records import FollowUp, Incident
from models.area_counts import AreaDayCount
from models.audit import AuditEvent
from models.base import Base
from models.clinic_settings import ClinicSetting
from models.courses import Course
from models.device import Device
from models.device_care import DeviceLogEntry, DeviceTip
from models.import_records import ImportBatch, ImportBatchSession, PulseTrace
from models.people import Patient, User
from models.profile_store import StoredProfile
from models.test_patches import TestPatch, TestPatchRule
from models.treatment import (
    Amendment,
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)

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
