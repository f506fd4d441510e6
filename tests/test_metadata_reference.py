"""The reference data loader used by the archive for facet labels and filter resolution."""

from ingest import reference


def test_counts():
    assert len(reference.municipalities()) == 10752
    assert len(reference.districts()) == 400
    assert len(reference.states()) == 16
    assert reference.parties()[:2] == ("DIE LINKE", "SPD")
    assert len(reference.topics()) == 19


def test_lookup_by_ars_and_name():
    bochum = reference.municipality_by_ars("059110000000")
    assert bochum.name == "Bochum" and bochum.state == "Nordrhein-Westfalen"
    assert reference.municipalities_by_name("bochum") == (bochum,)
    assert reference.district_by_ars("05170").name == "Wesel"
    assert reference.districts_by_name("Kreis Wesel")[0].ars == "05170"
    assert reference.place_by_ars("05170").name == "Wesel"


def test_ambiguous_names_ranked_by_population():
    bruehl = reference.municipalities_by_name("Brühl")
    assert [m.state for m in bruehl] == ["Nordrhein-Westfalen", "Baden-Württemberg"]


def test_resolve_place():
    assert reference.resolve_place("Bochum") == "059110000000"
    assert reference.resolve_place("059110000000") == "059110000000"
    assert reference.resolve_place("Rhein-Sieg-Kreis") == "05382"
    assert reference.resolve_place("Atlantis") is None
    assert reference.resolve_place("999999999999") is None


def test_topic_label():
    assert reference.topic_label("wohnen") == "Wohnen & Mieten"
    assert reference.topic_label("nope") is None
