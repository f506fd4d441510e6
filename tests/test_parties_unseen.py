"""Authoring party from letterheads unlike the dev corpus's: addressee lines, a faction named only in the text or
the signature, non-party senders."""

import pytest

from ingest.metadata.parties import extract_parties, prepare

FILLER = "\n".join(f"Absatz {n} des Textes über die Sanierung der Schulen und ihre Finanzierung." for n in range(30))
CASES = {
    "addressed to factions": ("DIE LINKE. Ratsfraktion Herne\nAn die Fraktionen von CDU und SPD\nAntrag",
                              ("DIE LINKE",)),
    "addressee first": ("An die Fraktionen von CDU und SPD\nRatsfraktion Bündnis 90/Die Grünen\nAntrag", ("GRÜNE",)),
    "faction in the lead": ("Kostenloses Schulessen für alle Kinder\n" + "\n".join(["Zwischentitel"] * 8) +
                            "\nDie SPD-Fraktion im Rat der Stadt Essen fordert kostenloses Schulessen.", ("SPD",)),
    "signature": ("Mehr Bänke im Stadtpark\n" + FILLER + "\nMit freundlichen Grüßen\nFür die CDU-Fraktion\n"
                  "Max Mustermann", ("CDU",)),
    "citizens' initiative": ("Bürgerinitiative Rettet den Stadtwald e.V.\nOffener Brief\nDie SPD hat im Rat ...",
                             ()),
    "party merely mentioned": ("Mehr Bänke im Stadtpark\n" + FILLER + "\nWie die SPD im Rat sagte, ...", ()),
}


@pytest.fixture(scope="module", autouse=True)
def _prepared():
    prepare()


@pytest.mark.parametrize("name", CASES)
def test_author_party(name):
    text, want = CASES[name]
    assert extract_parties(text) == want
