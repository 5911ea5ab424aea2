"""Dates in SQL that SQLite and PostgreSQL spell differently."""

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session


def period_start(db: Session, period: str, column: ColumnElement) -> ColumnElement:
    """The first day of the week (Monday) or month of ``column``, as text YYYY-MM-DD."""
    if db.get_bind().dialect.name == "sqlite":
        if period == "month":
            return func.strftime("%Y-%m-01", column)
        return func.date(column, "weekday 0", "-6 days")
    return func.to_char(func.date_trunc(period, column), "YYYY-MM-DD")
