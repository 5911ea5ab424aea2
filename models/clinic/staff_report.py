"""The staff report: each technician's certification and procedures per year.

An expired certification stops the technician completing sessions (treatment_log); this
report is how supervisors and administrators see it coming.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access.permissions import Action, require
from models.language import _, date_text
from models.records.people import User
from models.records.treatment import TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import SIGNED, Role

EXPIRY_NOTICE = timedelta(days=30)


@dataclass(frozen=True)
class TechnicianRow:
    username: str
    full_name: str
    certification_number: str | None
    certification_expires: date | None
    procedures: int  # signed sessions in the year

    def certification_state(self, today: date) -> str:
        expires = self.certification_expires
        if expires is None:
            return _("no certification recorded")
        if expires < today:
            return _("EXPIRED {day}: cannot complete sessions").format(day=date_text(expires))
        if expires - today <= EXPIRY_NOTICE:
            return _("expires {day}, within {days} days").format(day=date_text(expires),
                                                                 days=EXPIRY_NOTICE.days)
        return _("valid until {day}").format(day=date_text(expires))

    def needs_attention(self, today: date) -> bool:
        expires = self.certification_expires
        return expires is None or expires - today <= EXPIRY_NOTICE


def technician_report(db: Session, actor: Actor, year: int) -> list[TechnicianRow]:
    require(actor, Action.VIEW_STAFF, "user")
    start = datetime(year, 1, 1).astimezone(UTC)
    end = datetime(year + 1, 1, 1).astimezone(UTC)
    counts = (select(TreatmentSession.technician_id, func.count().label("n"))
              .where(TreatmentSession.status.in_(SIGNED),
                     TreatmentSession.started_at >= start, TreatmentSession.started_at < end)
              .group_by(TreatmentSession.technician_id).subquery())
    rows = db.execute(select(User, func.coalesce(counts.c.n, 0))
                      .outerjoin(counts, counts.c.technician_id == User.id)
                      .where(User.role == Role.TECHNICIAN, User.active)
                      .order_by(User.full_name))
    return [TechnicianRow(user.username, user.full_name, user.certification_number,
                          user.certification_expires, procedures)
            for user, procedures in rows]
