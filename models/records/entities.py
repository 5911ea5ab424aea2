"""Every mapped entity, importable from one place (and so registered on ``Base.metadata``)."""

from models.records.adverse_events import FollowUp, Incident
from models.records.area_day_counts import AreaDayCount
from models.records.audit_events import AuditEvent
from models.records.clinic_config import ClinicSetting, StoredProfile
from models.records.consents import ConsentDocument, SignedConsent
from models.records.equipment import Device, DeviceLogEntry, DeviceTip
from models.records.imports import ImportBatch, ImportBatchSession, PulseTrace
from models.records.patient_plans import Course, TestPatch, TestPatchRule
from models.records.people import Patient, User
from models.records.photos import PhotoImage, SessionPhoto
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

__all__ = [
    "Amendment",
    "Anaesthetic",
    "AreaDayCount",
    "AuditEvent",
    "Base",
    "ClinicSetting",
    "ConsentDocument",
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
    "PhotoImage",
    "PulseTrace",
    "Reaction",
    "Screening",
    "SessionPhoto",
    "SignedConsent",
    "StoredProfile",
    "TestPatch",
    "TestPatchRule",
    "TreatedArea",
    "TreatmentSession",
    "User",
]
