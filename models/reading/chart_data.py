"""Each supervisor chart as plain series (categories along the axis, one list of values per
series), built from one SQL aggregate in ``models/statistics.py``; its texts in the language
in use, its days as the locale writes them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.language import N_, _, date_text
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


#: Each chart's title, by what it counts and what it groups by.
PERIOD_TITLES = {
    ("month", "room"): N_("Sessions per month by room"),
    ("month", "technician"): N_("Sessions per month by technician"),
    ("week", "room"): N_("Sessions per week by room"),
    ("week", "technician"): N_("Sessions per week by technician"),
}
RATE_TITLES = {
    "area": N_("Sessions with a reaction, by area"),
    "device": N_("Sessions with a reaction, by device"),
    "fitzpatrick": N_("Sessions with a reaction, by fitzpatrick"),
    "technician": N_("Sessions with a reaction, by technician"),
}


def sessions_per_period(period: str, group: str) -> "Builder":
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        counts = statistics.sessions_per_period(db, actor, filters, period, group)
        categories, series = _grid([(c.period[: 7 if period == "month" else 10], c.group,
                                     c.sessions) for c in counts])
        if period != "month":  # a week by its first day, as the locale writes it
            categories = tuple(date_text(date.fromisoformat(c)) for c in categories)
        return ChartData(_(PERIOD_TITLES[period, group]), _("sessions"), categories, series)
    return build


def reaction_rate(dimension: str) -> "Builder":
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        rates = statistics.reaction_rate(db, actor, filters, dimension)

        def name(group: str) -> str:
            if dimension == "area":
                return _area_label(group)
            if dimension == "fitzpatrick":
                roman = FITZPATRICK_TYPES.get(int(group))
                return _("type {roman}").format(roman=roman) if roman else _("type not assessed")
            return group

        return ChartData(_(RATE_TITLES[dimension]), _("share of sessions"),
                         tuple(name(r.group) for r in rates),
                         {_("with a reaction"): tuple(100 * r.rate for r in rates)},
                         percent=True)
    return build


def duration_by_area(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
    buckets = statistics.duration_distribution(db, actor, filters)
    step = statistics.DURATION_BUCKET_MIN
    starts = sorted({b.minutes for b in buckets})
    counts = {(b.minutes, _area_label(b.area)): b.sessions for b in buckets}
    names = sorted({_area_label(b.area) for b in buckets})
    return ChartData(_("Session length by treated area"), _("sessions"),
                     tuple(_("{low}–{high} min").format(low=m, high=m + step) for m in starts),
                     {n: tuple(counts.get((m, n), 0) for m in starts) for n in names})


#: What a patient's course can follow: one quantity, so one unit, per chart (each read with
#: ``_()``).
COURSE_QUANTITIES = {"fluence": N_("fluence (J/cm²)"), "energy": N_("energy (J)")}
COURSE_TITLES = {"fluence": N_("Course of {name} ({identifier}): fluence"),
                 "energy": N_("Course of {name} ({identifier}): energy")}


def patient_course(identifier: str, quantity: str = "fluence") -> "Builder":
    """The settings of every area of one patient's sessions over time, in one quantity
    (fluence or energy: never both on one axis), reactions marked."""
    def build(db: Session, actor: Actor, filters: HistoryFilter) -> ChartData:
        patient = db.scalar(select(Patient).where(Patient.identifier == identifier.strip()))
        if patient is None:
            return ChartData(_("No patient with the identifier {identifier}").format(
                identifier=repr(identifier.strip())), "", (), {})
        points = [p for p in statistics.patient_course(db, actor, patient.id)
                  if p.quantity == quantity]
        days = sorted({p.started_at.astimezone().date() for p in points})
        index = {d: i for i, d in enumerate(days)}
        series: dict[str, list[float]] = {}
        marks = []
        for p in points:
            name = _area_label(p.area)
            values = series.setdefault(name, [float("nan")] * len(days))
            i = index[p.started_at.astimezone().date()]
            values[i] = p.value
            if p.worst_grade:
                marks.append((i, p.value, _("reaction grade {grade}").format(
                    grade=p.worst_grade)))
        return ChartData(_(COURSE_TITLES[quantity]).format(name=patient.full_name,
                                                          identifier=patient.identifier),
                         _(COURSE_QUANTITIES[quantity]), tuple(date_text(d) for d in days),
                         {n: tuple(v) for n, v in series.items()}, marks=tuple(marks))
    return build


Builder = Callable[[Session, Actor, HistoryFilter], ChartData]

#: The charts a supervisor can choose, by title in English (shown with ``_()``; the patient
#: course needs a patient).
CHARTS: dict[str, Builder] = {
    N_("Sessions per month by room"): sessions_per_period("month", "room"),
    N_("Sessions per month by technician"): sessions_per_period("month", "technician"),
    N_("Sessions per week by room"): sessions_per_period("week", "room"),
    N_("Sessions per week by technician"): sessions_per_period("week", "technician"),
    N_("Reaction rate by area"): reaction_rate("area"),
    N_("Reaction rate by device"): reaction_rate("device"),
    N_("Reaction rate by skin type"): reaction_rate("fitzpatrick"),
    N_("Reaction rate by technician"): reaction_rate("technician"),
    N_("Session length by area"): duration_by_area,
}
