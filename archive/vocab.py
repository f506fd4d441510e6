"""Vocabularies: labels for facet values and resolution of user-typed values."""

from ingest import reference

DOC_TYPES = {
    "antrag": "Antrag",
    "aenderungsantrag": "Änderungsantrag",
    "anfrage": "Anfrage",
    "pressemitteilung": "Pressemitteilung",
    "resolution": "Resolution",
    "rede": "Rede",
    "stellungnahme": "Stellungnahme",
    "sonstiges": "Sonstiges",
}


def topics() -> tuple:
    """The controlled vocabulary of topics (``slug``, ``label``, ``scope``), in the order of topics.csv."""
    return reference.topics()


def states() -> tuple[str, ...]:
    return reference.states()


def parties() -> tuple[str, ...]:
    """Canonical party names."""
    return reference.parties()


def fold(value: str) -> str:
    return reference.fold(value)


def doc_type_value(value: str) -> str | None:
    """``Änderungsantrag``, ``aenderungsantrag`` and ``ÄNDERUNGSANTRAG`` all give the slug."""
    wanted = fold(value)
    for slug, label in DOC_TYPES.items():
        if wanted in (slug, fold(label)):
            return slug
    return None


def topic_value(value: str) -> str | None:
    wanted = fold(value)
    for topic in reference.topics():
        if wanted in (topic.slug, fold(topic.label)) or fold(topic.label).startswith(wanted + " "):
            return topic.slug
    return None


def topic_label(slug: str) -> str:
    return reference.topic_label(slug) or slug


def party_value(value: str) -> str | None:
    """Canonical party for a name or alias (``Linke`` gives ``DIE LINKE``)."""
    wanted = fold(value)
    for canonical, aliases in reference.party_aliases().items():
        if wanted == fold(canonical) or any(wanted == fold(alias) for alias in aliases):
            return canonical
    return None


def state_value(value: str) -> str | None:
    wanted = fold(value)
    aliases = {"nrw": "Nordrhein-Westfalen", "bw": "Baden-Württemberg", "rlp": "Rheinland-Pfalz"}
    if wanted in aliases:
        return aliases[wanted]
    return next((s for s in reference.states() if fold(s) == wanted), None)


def place_name(ars: str) -> str:
    place = reference.place_by_ars(ars)
    return place.name if place else ars


def place_values(value: str, length: int) -> tuple[str, ...]:
    """ARS keys (12 digits for a Kommune, 5 for a Kreis) that a typed value means."""
    value = value.strip()
    if value.isdigit():
        return (value,)
    if length == 5:
        return tuple(d.ars for d in reference.districts_by_name(value))
    return tuple(m.ars for m in reference.municipalities_by_name(value))
