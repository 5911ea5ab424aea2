from datetime import date

import pytest

from models.clinic import patients
from models.errors import ValidationFailed


def add(database, actor, **changes):
    values = dict(identifier="P-1", full_name="Jane Doe", date_of_birth=date(1980, 5, 1),
                  fitzpatrick=2)
    values.update(changes)
    with database.write() as s:
        return patients.add_patient(s, actor, **values)


def test_added_patient_is_found_by_identifier_prefix_or_name(database, technician):
    add(database, technician)
    add(database, technician, identifier="Q-7", full_name="Maria Dolores")
    with database.read() as s:
        assert [p.identifier for p in patients.find_patients(s, "p-")] == ["P-1"]
        assert [p.full_name for p in patients.find_patients(s, "DOLO")] == ["Maria Dolores"]
        assert patients.find_patients(s, "%") == []
        assert patients.find_patients(s, "") == []


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"identifier": "  "}, "identifier", "needs an identifier"),
        ({"full_name": ""}, "full_name", "name"),
        ({"date_of_birth": date(2999, 1, 1)}, "date_of_birth", "future"),
        ({"fitzpatrick": 7}, "fitzpatrick", "I to VI"),
    ],
)
def test_bad_patient_is_refused_with_the_field_named(database, technician, changes, key, message):
    with pytest.raises(ValidationFailed) as refused:
        add(database, technician, **changes)
    assert message in refused.value.problems[key]
    with database.read() as s:
        assert patients.find_patients(s, "Jane") == []


def test_identifier_is_unique(database, technician):
    add(database, technician)
    with pytest.raises(ValidationFailed, match="already registered to Jane Doe"):
        add(database, technician, full_name="Someone Else")


def test_names_are_found_in_any_case_with_accents_ignored(database, technician):
    for number, name in enumerate(("Zoë Müller", "Anna Muller", "José García",
                                   "Søren Ødegaard", "Jan Nowak", "Łucja Groß-Weiß")):
        add(database, technician, identifier=f"A-{number}", full_name=name)
    with database.read() as s:
        def names(typed):
            return {p.full_name for p in patients.find_patients(s, typed)}
        assert names("muller") == names("MÜLL") == {"Zoë Müller", "Anna Muller"}
        assert names("garcia") == names("garcía") == {"José García"}
        assert names("odegaard") == names("ØDE") == {"Søren Ødegaard"}
        assert names("lucja gross") == names("weiss") == {"Łucja Groß-Weiß"}
        assert names("zo") == {"Zoë Müller"}  # two letters: the name's start
        assert names("ller") == {"Zoë Müller", "Anna Muller"}  # any part of the name
        assert names("a-1") == {"Anna Muller"}  # the identifier's start, any case
        assert names("xyz") == set()


def test_patients_inserted_in_bulk_or_renamed_are_found_by_their_new_names(database,
                                                                           technician):
    from sqlalchemy import insert, select

    from models.records.people import Patient

    with database.write() as s:  # as the synthetic clinic registers its patients
        s.execute(insert(Patient), [{"identifier": f"B-{n}", "full_name": f"Renée Dvořák {n}"}
                                    for n in range(3)])
    with database.write() as s:
        s.scalars(select(Patient).where(Patient.identifier == "B-0")).one().full_name = \
            "Ágnes Kovács"
    with database.read() as s:
        assert [p.identifier for p in patients.find_patients(s, "dvorak")] == ["B-1", "B-2"]
        assert [p.full_name for p in patients.find_patients(s, "kovacs")] == ["Ágnes Kovács"]


def test_the_search_reads_indexes_never_a_scan_of_the_patients(database, technician):
    """Every statement the search sends, as the database plans it: the patients are reached
    through an index (the trigram one for a part of a name), not read one by one."""
    from sqlalchemy import event

    for number in range(50):
        add(database, technician, identifier=f"C-{number:03d}", full_name=f"Zoë Müller {number}")
    sent: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "patients" in statement and not statement.startswith("EXPLAIN"):
            sent.append((statement, parameters))

    postgres = not database.is_sqlite
    plans = []
    for typed, index in (("mull", "trigram"), ("c-01", "ix_patients_identifier_lower"),
                         ("zo", "ix_patients_search_name")):
        sent.clear()
        with database.read() as s:
            event.listen(s.get_bind(), "before_cursor_execute", capture)
            try:
                assert patients.find_patients(s, typed)
            finally:
                event.remove(s.get_bind(), "before_cursor_execute", capture)
            conn = s.connection()
            if postgres:
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # as on a large clinic
            plan = "\n".join(" ".join(str(v) for v in row) for statement, parameters in sent
                             for row in conn.exec_driver_sql(
                                 ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ")
                                 + statement, parameters))
        plans.append(plan)
        assert "Seq Scan on patients" not in plan and "SCAN patients " not in plan + " ", plan
        if index == "trigram":
            index = "ix_patients_search_name_trgm" if postgres else "patients_search VIRTUAL"
        assert index in plan, plan
