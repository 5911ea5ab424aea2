"""Each supervisor chart as plain series (categories along the axis, one list of values per
series), built from one SQL aggregate in ``models/statistics.py``."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reading import statistics
from models.reading.history_filter import HistoryFilter
from models.records.people import Patient
from models.values.rows import Actor
from models.values.vocabulary import FITZPATRICK_TYPES, Area


@dataclass(frozen=True)
class ChartData:
    title: str
    value_label: str  # what the bars or points measure
    categories: tuple[str, ...]  # along the bottom axis
    series: dict[str, tuple[float, ...]]  # name -> one value per category
    percent: bool = False
    marks: tuple[tuple[int, float, str], ...] = field(default=())  # (category, value, note)

    @property
    def empty(self) -> bool:
        return not self.categories


def _grid(rows: list[tuple[str, str, float]]
          ) -> tuple[tuple[str, ...], dict[str, tuple[float, ...]]]:
    categories = tuple(sorted({c for c, _s, _v in rows}))
    names = sorted({s for _c, s, _v in rows})
    values = {(c, s): v for c, s, v in rows}
    return categories, {n: tuple(values.get((c, n), 0.0) for c in categories) for n in names}


def _area_label(code: str) -> str:
    return Area(code).label if code in {a.value for a in Area} else code


def sessions_per_period(period: str, group: str) -> "Builder":
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        counts = statistics.sessions_per_period(db, actor, filters, period, group)
        categories, series = _grid([(c.period[: 7 if period == "month" else 10], c.group,
                                     c.sessions) for c in counts])
        return ChartData(f"Sessions per {period} by {group}", "sessions", categories, series)
    return build


def reaction_rate(dimension: str) -> "Builder":
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        rates = statistics.reaction_rate(db, actor, filters, dimension)

        def name(group: str) -> str:
            if dimension == "area":
                return _area_label(group)
            if dimension == "fitzpatrick":
                return f"type {FITZPATRICK_TYPES.get(int(group), 'not assessed')}"
            return group

        return ChartData(f"Sessions with a reaction, by {dimension}", "share of sessions",
                         tuple(name(r.group) for r in rates),
                         {"with a reaction": tuple(100 * r.rate for r in rates)}, percent=True)
    return build


def duration_by_area(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
    buckets = statistics.duration_distribution(db, actor, filters)
    step = statistics.DURATION_BUCKET_MIN
    starts = sorted({b.minutes for b in buckets})
    counts = {(b.minutes, _area_label(b.area)): b.sessions for b in buckets}
    names = sorted({_area_label(b.area) for b in buckets})
    return ChartData("Session length by treated area", "sessions",
                     tuple(f"{m}–{m + step} min" for m in starts),
                     {n: tuple(counts.get((m, n), 0) for m in starts) for n in names})


#: What a patient's course can follow: one quantity, so one unit, per chart.
COURSE_QUANTITIES = {"fluence": "fluence (J/cm²)", "energy": "energy (J)"}


def patient_course(identifier: str, quantity: str = "fluence") -> "Builder":
    """The settings of every area of one patient's sessions over time, in one quantity
    (fluence or energy: never both on one axis), reactions marked."""
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        patient = db.scalar(select(Patient).where(Patient.identifier == identifier.strip()))
        if patient is None:
            return ChartData(f"No patient with the identifier {identifier.strip()!r}", "",
                             (), {})
        points = [p for p in statistics.patient_course(db, actor, patient.id)
                  if p.quantity == quantity]
        dates = tuple(sorted({p.started_at.astimezone().strftime("%Y-%m-%d") for p in points}))
        index = {d: i for i, d in enumerate(dates)}
        series: dict[str, list[float]] = {}
        marks = []
        for p in points:
            name = _area_label(p.area)
            values = series.setdefault(name, [float("nan")] * len(dates))
            i = index[p.started_at.astimezone().strftime("%Y-%m-%d")]
            values[i] = p.value
            if p.worst_grade:
                marks.append((i, p.value, f"reaction grade {p.worst_grade}"))
        return ChartData(f"Course of {patient.full_name} ({patient.identifier}): {quantity}",
                         COURSE_QUANTITIES[quantity], dates,
                         {n: tuple(v) for n, v in series.items()}, marks=tuple(marks))
    return build


Builder = Callable[[Session, Actor, HistoryFilter], ChartData]

#: The charts a supervisor can choose, by title (the patient course needs a patient).
CHARTS: dict[str, Builder] = {
    "Sessions per month by room": sessions_per_period("month", "room"),
    "Sessions per month by technician": sessions_per_period("month", "technician"),
    "Sessions per week by room": sessions_per_period("week", "room"),
    "Sessions per week by technician": sessions_per_period("week", "technician"),
    "Reaction rate by area": reaction_rate("area"),
    "Reaction rate by device": reaction_rate("device"),
    "Reaction rate by skin type": reaction_rate("fitzpatrick"),
    "Reaction rate by technician": reaction_rate("technician"),
    "Session length by area": duration_by_area,
}
