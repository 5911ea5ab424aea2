"""The FHIR export is a valid R4(B) Bundle, checked with the fhir.resources package."""

import io
import json

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from devices.simulated.demo_clinic import build_demo
from models.reading.export_fhir import write_fhir_bundle
from models.reading.history_filter import HistoryFilter
from models.records.treatment import TreatedArea
from models.review import supervision
from models.values.vocabulary import Area


def test_the_bundle_validates_and_holds_every_session_with_its_parameters(database,
                                                                         supervisor):
    build_demo(database, sessions=8, seed=6)
    with database.write() as db:
        supervision.void_session(db, supervisor, 1, "logged twice")
    out = io.StringIO()
    with database.read() as db:
        count = write_fhir_bundle(db, out)
    data = json.loads(out.getvalue())
    bundle = Bundle.model_validate(data)
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert count == 8 and kinds.count("Procedure") == 8
    assert {"Patient", "Practitioner", "Device", "Observation"} <= set(kinds)
    full_urls = {entry.fullUrl for entry in bundle.entry}
    for entry in data["entry"]:  # every reference points into the Bundle
        resource = entry["resource"]
        for key in ("subject", "device"):
            if key in resource:
                assert resource[key]["reference"] in full_urls
        for key in ("partOf", "usedReference"):
            for reference in resource.get(key, []):
                assert reference["reference"] in full_urls
    procedures = [e["resource"] for e in data["entry"]
                  if e["resource"]["resourceType"] == "Procedure"]
    voided = [p for p in procedures if p["status"] == "entered-in-error"]
    assert len(voided) == 1 and voided[0]["note"][-1]["text"] == "Voided: logged twice"
    fluence = [e["resource"] for e in data["entry"]
               if e["resource"]["resourceType"] == "Observation"
               and e["resource"]["valueQuantity"]["code"] == "J/cm2"]
    assert fluence and all(o["valueQuantity"]["system"] == "http://unitsofmeasure.org"
                           for o in fluence)


def test_the_same_sessions_export_to_the_same_ids_and_filters_apply(database, supervisor):
    build_demo(database, sessions=6, seed=7)
    with database.read() as db:  # an area the demo treated, and one more it did not
        treated = set(db.scalars(select(TreatedArea.area)))
    area = sorted(treated)[0]
    exports = []
    for _ in range(2):
        out = io.StringIO()
        with database.read() as db:
            write_fhir_bundle(db, out, HistoryFilter(area=area))
        exports.append(json.loads(out.getvalue()))
    assert exports[0] == exports[1]
    procedures = [e["resource"] for e in exports[0]["entry"]
                  if e["resource"]["resourceType"] == "Procedure"]
    assert procedures and all(Area(area).label in [site["text"] for site in p["bodySite"]]
                              for p in procedures)
    untreated = next(a for a in Area if a not in treated)
    out = io.StringIO()
    with database.read() as db:
        write_fhir_bundle(db, out, HistoryFilter(area=untreated))
    assert not [e for e in json.loads(out.getvalue()).get("entry", [])
                if e["resource"]["resourceType"] == "Procedure"]


def test_the_machine_exports_are_the_same_whatever_the_language(database, supervisor):
    """CSV and FHIR are read by programs: a German PC writes what an English one writes
    (English labels, ISO times, decimal points), while its screens speak German."""
    from models import language
    from models.reading.export_csv import write_sessions_csv

    build_demo(database, sessions=6, seed=8)

    def exports() -> tuple[str, str]:
        csv_out, fhir_out = io.StringIO(), io.StringIO()
        with database.read() as db:
            write_sessions_csv(db, csv_out)
            write_fhir_bundle(db, fhir_out)
        return csv_out.getvalue(), fhir_out.getvalue()

    english = exports()
    language.use_language(language.choose("de", {"LANG": "de_DE.UTF-8"}))
    try:
        assert Area.NECK.label == "Hals"  # the screens are German
        german = exports()
    finally:
        language.use_language(language.choose("", {"LANG": "C.UTF-8"}))
    assert german == english
