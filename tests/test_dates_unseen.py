"""The letterhead's own date wins over dates of other documents and meetings, wherever they stand."""

import pytest

from ingest.metadata.dates import find_date

CASES = {
    "title cites a decision": ("Stadtteilbeirat Musterstadt\nZum Beschluss des Stadtrates vom 23.04.2020 – "
                               "Umgestaltung des Marktplatzes\nMusterstadt, den 12.05.2020\nSehr geehrte Damen und "
                               "Herren,", "2020-05-12"),
    "type and date line": ("SPD-Fraktion Musterstadt\nAntrag vom 3.5.2024\nMehr Grün auf Schulhöfen\nDer Rat möge "
                           "in seiner Sitzung am 12.06.2024 beschließen:", "2024-05-03"),
    "long address block": ("\n".join(["Fraktion DIE LINKE im Kreistag", "Herrn Landrat", "Max Mustermann",
                                      "Kreishaus", "Am Markt 1", "12345 Musterstadt", "Tel. 0123 45678",
                                      "Fax 0123 45679", "E-Mail: fraktion@example.org", "Unser Zeichen: AB/12",
                                      "Sitzung des Kreistags am 01.07.2024", "TOP 5", "Vorlage 2024/77", "Ö",
                                      "Kreisausschuss", "Beratungsfolge", "Kreistag", "Finanzausschuss",
                                      "Musterstadt, den 14. Juni 2024"]), "2024-06-14"),
    "place | date": ("Musterstadt | 09.11.2023\nGrüne fordern sichere Radwege", "2023-11-09"),
    "sender | place, date": ("SPD Fraktion Berlin | Berlin, 12.11.22\nHaushaltsantrag: Wärmenetze\nDer Senat hat am "
                             "Berlin, 13.10.2010 beschlossen ...", "2022-11-12"),
    "meeting only": ("Antrag zur Sitzung am 12.06.2024\nMehr Bänke im Park", None),
}


@pytest.mark.parametrize("name", CASES)
def test_own_date(name):
    text, want = CASES[name]
    date, confidence = find_date(text)
    assert date == want
    assert (confidence > 0) == (want is not None)


def test_marked_date_is_surer_than_unmarked():
    assert find_date("Musterstadt, den 3.4.2024\nText")[1] > find_date("Antrag vom 3.4.2024\nText")[1]
    assert find_date("Antrag vom 3.4.2024\nText")[1] > find_date("Mehr Bäume 3.4.2024\nText")[1]
