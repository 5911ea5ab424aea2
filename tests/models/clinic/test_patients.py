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
