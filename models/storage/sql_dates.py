"""Dates in SQL that SQLite and PostgreSQL spell differently."""

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, ColumnExpressionArgument, Date, DateTime, cast, func
from sqlalchemy.orm import Session


def period_start(
    db: Session, period: str, column: ColumnExpressionArgument[date]
) -> ColumnElement[str]:
    """The first day of the week (Monday) or month of ``column``, as text YYYY-MM-DD."""
    if db.get_bind().dialect.name == "sqlite":
        if period == "month":
            return func.strftime("%Y-%m-01", column)
        return func.date(column, "weekday 0", "-6 days")
    return func.to_char(func.date_trunc(period, column), "YYYY-MM-DD")


def local_midnight(db: Session, day: ColumnExpressionArgument[date]) -> ColumnElement[datetime]:
    """The start of ``day`` (a date column) in this PC's time zone, as a UTC time that
    compares with stored times (SQLite keeps them as UTC text)."""
    offset = datetime.now().astimezone().utcoffset() or timedelta()
    if db.get_bind().dialect.name == "sqlite":
        return func.datetime(day, f"{-offset.total_seconds() / 60:+.0f} minutes")
    return func.timezone("UTC", cast(day, DateTime) - offset)


def add_days(db: Session, day: ColumnElement[date],
             days: ColumnElement[int]) -> ColumnElement[date]:
    """``day`` (a date column) moved on by ``days`` (a whole-number expression)."""
    if db.get_bind().dialect.name == "sqlite":
        return func.date(day, func.printf("%+d days", days))
    return cast(day + days, Date)
