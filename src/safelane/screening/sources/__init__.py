"""List importers, one module per publisher's format; each reads a file into FollowTheMoney entities.

Every reader yields only entities a party can be matched against (people, companies, vessels...), with
ids that stay the same from one edition of the list to the next so versions can be compared.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

from followthemoney import EntityProxy

from safelane.screening.sources import bis_dpl, csv_list, ftm, ofac, un_xml

Reader = Callable[[Path, str], Iterator[EntityProxy]]

# source name -> (reader, default list name; None means the file's name up to its first dot)
SOURCES: dict[str, tuple[Reader, str | None]] = {
    "un-xml": (un_xml.read, "un-sc"),
    "ofac-sdn": (ofac.read_sdn, "ofac-sdn"),
    "ofac-cons": (ofac.read_cons, "ofac-cons"),
    "bis-dpl": (bis_dpl.read, "bis-dpl"),
    "ftm": (ftm.read, None),
    "csv": (csv_list.read, None),
}


class SourceError(ValueError):
    """A list file that cannot be read as the format it was said to be."""


def list_name_for(source: str, path: Path, given: str | None = None) -> str:
    if given:
        return given
    default = SOURCES[source][1]
    return default or path.name.split(".")[0]


def read(path: Path, source: str, list_name: str | None = None) -> tuple[str, list[EntityProxy]]:
    """All entries of one list file, deduplicated by id (later rows merge into earlier ones)."""
    if source not in SOURCES:
        raise SourceError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")
    name = list_name_for(source, path, list_name)
    reader = SOURCES[source][0]
    merged: dict[str, EntityProxy] = {}
    try:
        for entity in reader(path, name):
            key = entity.id
            if key is None:
                raise ValueError("an entry has no id")
            if key in merged:
                merged[key].merge(entity)
            else:
                merged[key] = entity
    except (OSError, UnicodeDecodeError, ValueError, KeyError, IndexError) as error:
        raise SourceError(f"{path}: not a readable {source} file ({error})") from error
    if not merged:
        raise SourceError(f"{path}: no entries found for source {source}")
    return name, list(merged.values())
