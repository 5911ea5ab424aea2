"""Consent forms: the versions a clinic keeps, and the consents patients sign on screen.

The newest version not retired is the one in force. A patient reads it and signs on the
screen; the technician witnesses with their password. What is kept (the version, the
strokes as drawn and their rendering, the signer's name, the witness and the time) is
digested into one SHA-256, stored with the consent and written into the audit chain, so
``verify`` can prove a consent unchanged (``changed_consents``). A consent is valid for the
clinic's consent period; a session cannot be completed without one valid on its day.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain, witness
from models.access.permissions import Action, Refused, require
from models.clinic import clinic_settings
from models.errors import NotFound, ValidationFailed
from models.language import (
    N_,
    _,
    available_languages,
    current,
    date_text,
    datetime_text,
    document_choice,
    language_name,
    translation,
)
from models.records.consents import ConsentDocument, SignedConsent
from models.records.people import Patient, User
from models.values.rows import Actor, ConsentOnFile, Signature

#: Below this much ink (strokes' points) a "signature" is a click, not a signature.
MIN_POINTS = 8
MAX_POINTS = 20_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_RENDERING_BYTES = 2 * 1024 * 1024

Stroke = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class ConsentDocumentRow:
    id: int
    version: str
    title: str
    body: str
    created_at: datetime
    retired_at: datetime | None
    language: str = "en"  # the language it is written in


@dataclass(frozen=True)
class SignedConsentRow:
    id: int
    patient_id: int
    version: str
    title: str
    body: str
    signer_name: str
    signed_at: datetime
    witness: str
    strokes: list[list[tuple[float, float]]]
    rendering: bytes
    sha256: str
    voided: bool
    language: str = "en"  # of the version signed: its printout speaks it too


#: The default form's title (resources/consent/), offered for a new version.
DEFAULT_TITLE = N_("Consent to laser skin-tightening treatment")


def default_title(language: str) -> str:
    """The default form's title in ``language``: what a new version in it starts from."""
    return translation(language).gettext(DEFAULT_TITLE)


@dataclass(frozen=True)
class ConsentPrintout:
    """The lines printed around a signed consent's text, in the language it was signed in."""

    version: str
    signed: str
    voided: str  # "" unless it was voided
    no_signature: str


def printout(consent: SignedConsentRow, patient: str) -> ConsentPrintout:
    """What the consent's PDF says about it, in the language of the version signed, whatever
    the screen's (its day and time in that language's format too)."""
    choice = document_choice(consent.language)
    text = translation(choice.language).gettext
    return ConsentPrintout(
        text(N_("Version {version}; patient {patient}")).format(version=consent.version,
                                                               patient=patient),
        text(N_("Signed by {name} on {moment}, witnessed by {witness}.")).format(
            name=consent.signer_name, moment=datetime_text(consent.signed_at, choice),
            witness=consent.witness),
        text(N_("This consent was voided.")) if consent.voided else "",
        text(N_("(the signature cannot be drawn)")))


def _document_row(document: ConsentDocument) -> ConsentDocumentRow:
    return ConsentDocumentRow(document.id, document.version, document.title, document.body,
                              document.created_at, document.retired_at, document.language)


def documents(db: Session) -> list[ConsentDocumentRow]:
    """Every version the clinic has kept, newest first."""
    return [_document_row(d) for d in
            db.scalars(select(ConsentDocument).order_by(ConsentDocument.id.desc()))]


def in_force(db: Session, language: str | None = None) -> ConsentDocumentRow | None:
    """The version a patient reading ``language`` (None: the screen's) signs now: the newest
    not retired in that language; None when the clinic keeps none in it (a patient never
    signs, unawares, a text in another language)."""
    newest = (select(ConsentDocument)
              .where(ConsentDocument.retired_at.is_(None),
                     ConsentDocument.language == (language or current().language))
              .order_by(ConsentDocument.id.desc()).limit(1))
    document = db.scalar(newest)
    return None if document is None else _document_row(document)


def add_version(db: Session, actor: Actor, version: str, title: str, body: str,
                language: str = "en") -> ConsentDocumentRow:
    """Keep a new wording as a new version, written in ``language``; from now on it is the one
    in force for patients reading that language."""
    require(actor, Action.MANAGE_CLINIC_SETTINGS, "consent_document")
    version, title, body = version.strip(), title.strip(), body.strip()
    problems: dict[str, str] = {}
    if not version:
        problems["version"] = _("Name the version (e.g. LST-2)")
    elif len(version) > 64:
        problems["version"] = _("A version name is at most {n} characters").format(n=64)
    elif db.scalar(select(ConsentDocument.id).where(ConsentDocument.version == version)):
        problems["version"] = _("Version {version} exists already; versions never change"
                                ).format(version=version)
    if not title:
        problems["title"] = _("Give the form a title")
    elif len(title) > 200:
        problems["title"] = _("A title is at most {n} characters").format(n=200)
    if len(body) < 40:
        problems["body"] = _("Paste the whole text the patient reads and signs")
    if language not in available_languages():
        problems["language"] = _("Choose one of the languages LaserLog has")
    if problems:
        raise ValidationFailed(problems)
    document = ConsentDocument(version=version, title=title, body=body, language=language,
                               created_by_id=actor.id)
    db.add(document)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="consent_document.add",
                       entity="consent_document", entity_id=document.id,
                       new={"version": version, "title": title, "language": language,
                            "body_sha256": hashlib.sha256(body.encode()).hexdigest()})
    return _document_row(document)


def retire_version(db: Session, actor: Actor, document_id: int, reason: str) -> None:
    """Stop offering a version: consents already signed for it stay valid until they lapse."""
    require(actor, Action.MANAGE_CLINIC_SETTINGS, "consent_document", document_id)
    document = db.get(ConsentDocument, document_id)
    if document is None:
        raise NotFound(_("No such consent form version"))
    if not reason.strip():
        raise ValidationFailed({"reason": _("Give the reason for retiring this version")})
    others = db.scalar(select(ConsentDocument.id).where(
        ConsentDocument.retired_at.is_(None), ConsentDocument.id != document.id,
        ConsentDocument.language == document.language).limit(1))
    if document.retired_at is None and others is None:
        raise ValidationFailed({"reason": _(
            "Version {version} is the only one in force in {language}: add the new version "
            "first, or patients reading it could not sign a consent").format(
                version=document.version, language=language_name(document.language))})
    if document.retired_at is None:
        document.retired_at = datetime.now(UTC)
        audit_chain.record(db, actor_id=actor.id, action="consent_document.retire",
                           entity="consent_document", entity_id=document.id,
                           new={"version": document.version}, reason=reason.strip())


def stroke_problems(strokes: Sequence[Stroke]) -> str:
    """Why the strokes are not a signature ("" when they are)."""
    points = sum(len(stroke) for stroke in strokes)
    if points == 0:
        return _("The patient has not signed yet: they sign in the box with a finger, pen or "
                 "mouse")
    if points < MIN_POINTS:
        return _("That is too short for a signature: clear it and sign the name in the box")
    if points > MAX_POINTS:
        return _("The signature has too many points; clear it and sign again")
    for stroke in strokes:
        for x, y in stroke:
            if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                return _("The signature has points outside its box; clear it and sign again")
    return ""


def consent_digest(*, patient_uuid: str, version: str, body: str, signer_name: str,
                   signed_at: datetime, witness_id: int, strokes: str, rendering: bytes) -> str:
    """The SHA-256 a signed consent is kept under: everything the patient agreed to and how."""
    canonical = json.dumps({
        "patient": patient_uuid, "version": version,
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "signer": signer_name, "signed_at": signed_at.astimezone(UTC).isoformat(),
        "witness": witness_id, "strokes": strokes,
        "rendering_sha256": hashlib.sha256(rendering).hexdigest(),
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _strokes_json(strokes: Sequence[Stroke]) -> str:
    return json.dumps([[[round(x, 4), round(y, 4)] for x, y in stroke] for stroke in strokes],
                      separators=(",", ":"))


def sign_consent(
    db: Session, actor: Actor, patient_id: int, document_id: int, signer_name: str,
    strokes: Sequence[Stroke], rendering: bytes, signature: Signature, *,
    signed_at: datetime | None = None,
) -> ConsentOnFile:
    """Keep the consent the patient just signed on screen, witnessed by ``actor``.

    ``signed_at`` is now; only a history made after the fact (the demo clinic's past
    sessions) gives an earlier time, and then the document must have been in force."""
    require(actor, Action.LOG_SESSION, "signed_consent")
    if signature.actor_id != actor.id:
        refusal = N_("A consent is witnessed with the technician's own password")
        refused = Refused(_(refusal), actor, "witness_consent", "patient", patient_id,
                          recorded=refusal)
        raise refused
    patient = db.get(Patient, patient_id)
    if patient is None:
        raise NotFound(_("No such patient"))
    document = db.get(ConsentDocument, document_id)
    in_force_now = None if document is None else in_force(db, document.language)
    problems: dict[str, str] = {}
    if document is None or in_force_now is None or document.id != in_force_now.id:
        problems["document"] = _("This version of the form is no longer in force; open the "
                                 "consent again to read the current one")
    signer_name = " ".join(signer_name.split())
    if not signer_name:
        problems["signer_name"] = _("Type the name of the person signing")
    elif len(signer_name) > 200:
        problems["signer_name"] = _("A name is at most {n} characters").format(n=200)
    if problem := stroke_problems(strokes):
        problems["strokes"] = problem
    if not rendering.startswith(PNG_MAGIC) or len(rendering) > MAX_RENDERING_BYTES:
        problems["strokes"] = _("The signature could not be drawn; clear it and sign again")
    if problems:
        raise ValidationFailed(problems)
    assert document is not None
    signed_at = (signed_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    kept_strokes = _strokes_json(strokes)
    digest = consent_digest(patient_uuid=str(patient.uuid), version=document.version,
                            body=document.body, signer_name=signer_name, signed_at=signed_at,
                            witness_id=actor.id, strokes=kept_strokes, rendering=rendering)
    consent = SignedConsent(patient_id=patient_id, document_id=document.id,
                            signer_name=signer_name, signed_at=signed_at, witness_id=actor.id,
                            strokes=kept_strokes, rendering=rendering, sha256=digest)
    db.add(consent)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="consent.sign", entity="patient",
                       entity_id=patient.uuid,
                       new={"consent": str(consent.uuid), "version": document.version,
                            "signer": signer_name, "sha256": digest})
    witness.witness_after_commit(db, "sign")
    on_file = consent_on_file(db, patient_id, signed_at.astimezone().date())
    assert on_file is not None
    return on_file


def _latest(db: Session, patient_id: int, by: datetime | None = None) -> SignedConsent | None:
    """The patient's latest consent not voided (signed before ``by`` when given)."""
    statement = (select(SignedConsent)
                 .where(SignedConsent.patient_id == patient_id,
                        SignedConsent.voided_at.is_(None))
                 .order_by(SignedConsent.signed_at.desc(), SignedConsent.id.desc()).limit(1))
    if by is not None:
        statement = statement.where(SignedConsent.signed_at < by)
    return db.scalar(statement)


def consent_on_file(db: Session, patient_id: int, on: date) -> ConsentOnFile | None:
    """The consent the patient signed on screen that counts ``on`` that day (the latest
    signed by its end, not voided), and whether it is valid then: within the clinic's
    consent period. When they signed only after that day, that consent, not in force; None
    when they never signed one."""
    from models.clinic.patients import months_after

    end_of_day = datetime.combine(on + timedelta(days=1), time()).astimezone()
    consent = _latest(db, patient_id, end_of_day) or _latest(db, patient_id)
    if consent is None:
        return None
    document = db.get(ConsentDocument, consent.document_id)
    assert document is not None  # a foreign key
    signed_on = consent.signed_at.astimezone().date()
    valid_until = months_after(signed_on, clinic_settings.rules(db).consent_valid_months)
    why_not = ""
    if valid_until < on:
        why_not = _("expired on {day}").format(day=date_text(valid_until))
    elif on < signed_on:
        why_not = _("signed after this session's day ({day})").format(day=date_text(signed_on))
    return ConsentOnFile(document.version, signed_on, valid_until, not why_not, why_not,
                         consent_id=consent.id, signer_name=consent.signer_name,
                         language=document.language)


def signed_consent(db: Session, actor: Actor, consent_id: int) -> SignedConsentRow:
    """One signed consent with its text and signature, for showing and printing."""
    from models.access.care import require_care

    consent = db.get(SignedConsent, consent_id)
    if consent is None:
        raise NotFound(_("No such consent"))
    require_care(db, actor, consent.patient_id, "consents")
    document = db.get(ConsentDocument, consent.document_id)
    witness_user = db.get(User, consent.witness_id)
    assert document is not None and witness_user is not None  # foreign keys
    strokes = [[(float(x), float(y)) for x, y in stroke]
               for stroke in json.loads(consent.strokes)]
    return SignedConsentRow(consent.id, consent.patient_id, document.version, document.title,
                            document.body, consent.signer_name, consent.signed_at,
                            witness_user.full_name, strokes, consent.rendering,
                            consent.sha256, consent.voided_at is not None, document.language)


def changed_consents(db: Session) -> Iterator[str]:
    """Each signed consent whose content no longer matches the digest it was kept under."""
    rows = db.execute(select(SignedConsent, ConsentDocument.version, ConsentDocument.body,
                             Patient.uuid)
                      .join(ConsentDocument, ConsentDocument.id == SignedConsent.document_id)
                      .join(Patient, Patient.id == SignedConsent.patient_id)
                      .order_by(SignedConsent.id)
                      .execution_options(yield_per=500))
    for consent, version, body, patient_uuid in rows:
        digest = consent_digest(patient_uuid=str(patient_uuid), version=version, body=body,
                                signer_name=consent.signer_name, signed_at=consent.signed_at,
                                witness_id=consent.witness_id, strokes=consent.strokes,
                                rendering=consent.rendering)
        if digest != consent.sha256:
            yield _("The consent signed by {name} on {moment} was changed after signing").format(
                name=consent.signer_name, moment=datetime_text(consent.signed_at))
