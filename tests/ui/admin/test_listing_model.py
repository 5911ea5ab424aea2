"""The lists' table model is a well-behaved Qt model, and greys out what is retired."""

from PySide6.QtCore import Qt

from ui.admin.listing_model import RETIRED, ListingModel


def test_the_listing_model_passes_the_model_tester(qtmodeltester):
    model = ListingModel([("Name", lambda row: row[0]), ("State", lambda row: row[1])],
                         retired=lambda row: row[1] == "Retired")
    qtmodeltester.check(model)
    model.show_rows([("Lumo", "In use"), ("Zeta", "Retired")])
    qtmodeltester.check(model)
    assert model.index(1, 0).data() == "Zeta"
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) == "Retired"
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) == RETIRED
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.headerData(1, Qt.Orientation.Horizontal) == "State"
    model.show_rows([])
    qtmodeltester.check(model)
