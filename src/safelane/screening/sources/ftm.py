"""FollowTheMoney entity JSON lines (OpenSanctions exports, or any FtM tool's output).

Only entities a party can be (people, companies, vessels...) become entries; Sanction, Address and
other linked entities are skipped. Ids are kept as the publisher gave them, prefixed by the list name
(unless they already are).
"""

from collections.abc import Iterator
from pathlib import Path

import orjson
from followthemoney import EntityProxy

from safelane.screening.entities import from_dict, is_matchable, slug


def read(path: Path, list_name: str) -> Iterator[EntityProxy]:
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            data = orjson.loads(line)
            if not isinstance(data, dict) or not data.get("id"):
                raise ValueError("each line must be a JSON object with an id and a schema")
            entity = from_dict(data)
            if not is_matchable(entity):
                continue
            given = str(data["id"])
            entity.id = given if given.startswith(f"{list_name}-") else slug(list_name, given)
            yield entity
