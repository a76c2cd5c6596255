"""A table of declarations in columns (numpy arrays): read from a mapped CSV, or built from lodgements.

Labels are kept apart from the declared fields: `fraud` is 1 (irregularity found), 0 (inspected, nothing
found) or -1 (not inspected / unknown); `critical` is 0/1/2 likewise, -1 when unknown.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from safelane.risk.model.mapping import CATEGORICAL_FIELDS, NUMERIC_FIELDS, ColumnMapping, MappingError

UNKNOWN = -1


@dataclass
class Table:
    ids: np.ndarray  # object array of str
    days: np.ndarray  # int64, days since 1970-01-01
    cats: dict[str, np.ndarray]  # object arrays of str; "" when missing
    nums: dict[str, np.ndarray]  # float64; nan when missing
    fraud: np.ndarray  # int8: 1, 0, or -1 unknown
    critical: np.ndarray  # int8: 0/1/2, or -1 unknown
    extra: tuple[str, ...] = field(default=())  # names of extra categorical columns (within cats)
    parents: tuple[tuple[str, str], ...] = field(default=())  # (child, parent) codes declared by the mapping
    documents: np.ndarray | None = None  # object array: the document each line belongs to, when mapped
    descriptions: np.ndarray | None = None  # object array: the goods description, when mapped

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def labelled(self) -> np.ndarray:
        return self.fraud >= 0

    def take(self, index: np.ndarray) -> "Table":
        return replace(
            self,
            ids=self.ids[index],
            days=self.days[index],
            cats={k: v[index] for k, v in self.cats.items()},
            nums={k: v[index] for k, v in self.nums.items()},
            fraud=self.fraud[index],
            critical=self.critical[index],
            documents=None if self.documents is None else self.documents[index],
            descriptions=None if self.descriptions is None else self.descriptions[index],
        )

    def without_labels(self) -> "Table":
        return replace(self, fraud=np.full(len(self), UNKNOWN, np.int8), critical=np.full(len(self), UNKNOWN, np.int8))

    def sorted_by_date(self) -> "Table":
        return self.take(np.argsort(self.days, kind="stable"))

    def dates(self) -> np.ndarray:
        return self.days.astype("datetime64[D]")


def concat(tables: Sequence[Table]) -> Table:
    first = tables[0]
    return Table(
        ids=np.concatenate([t.ids for t in tables]),
        days=np.concatenate([t.days for t in tables]),
        cats={k: np.concatenate([t.cats.get(k, _blank(len(t))) for t in tables]) for k in first.cats},
        nums={k: np.concatenate([t.nums.get(k, np.full(len(t), np.nan)) for t in tables]) for k in first.nums},
        fraud=np.concatenate([t.fraud for t in tables]),
        critical=np.concatenate([t.critical for t in tables]),
        extra=first.extra,
        parents=first.parents,
        documents=_optional([t.documents for t in tables], [len(t) for t in tables]),
        descriptions=_optional([t.descriptions for t in tables], [len(t) for t in tables]),
    )


def _optional(parts: list[np.ndarray | None], sizes: list[int]) -> np.ndarray | None:
    if all(p is None for p in parts):
        return None
    return np.concatenate([_blank(n) if p is None else p for p, n in zip(parts, sizes, strict=True)])


def _blank(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _day(text: str, fmt: str | None, where: str) -> int:
    try:
        moment = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
    except ValueError as error:
        raise MappingError(f"{where}: date {text!r} does not match {fmt or 'ISO 8601'}") from error
    return (moment.date() - _EPOCH).days


_EPOCH = datetime(1970, 1, 1).date()


def _float(text: str) -> float:
    try:
        return float(text) if text else np.nan
    except ValueError:
        return np.nan


def _label(text: str) -> int:
    text = text.strip()
    if not text:
        return UNKNOWN
    try:
        return int(float(text))
    except ValueError:
        return UNKNOWN


def _labels(rows: list[list[str]], col: int, codes: dict[str, int] | None, where: str) -> np.ndarray:
    """A label column: numbers, or codes through the mapping's `outcomes` (a code not listed is an error)."""
    if codes is None:
        return np.fromiter((_label(r[col]) for r in rows), np.int8, len(rows))
    out = np.full(len(rows), UNKNOWN, np.int8)
    for i, r in enumerate(rows):
        code = r[col].strip()
        if code in codes:
            out[i] = codes[code]
        elif code:
            raise MappingError(f"{where}, line {i + 2}: outcome code {code!r} is not in the mapping's outcomes")
    return out


def normalise_hs(code: str) -> str:
    """The digits of an HS / tariff code, up to 10 (chapter 2, heading 4, subheading 6, national 8 or 10)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return digits[:10]


def read_csv(path: str | Path, mapping: ColumnMapping, *, labels: bool = True) -> Table:
    """Read a customer's CSV through its mapping. Missing label columns give unknown labels.

    With labels=False the label columns are not read at all (scoring never needs them).
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration as error:
            raise MappingError(f"{path}: empty file") from error
        position = {name: i for i, name in enumerate(header)}

        def column(name: str) -> int:
            if name not in position:
                raise MappingError(f"{path}: column {name!r} (from mapping {mapping.name!r}) is missing")
            return position[name]

        id_col = column(mapping.id)
        date_col = column(mapping.date)
        cat_cols = {f: column(c) for f, c in mapping.fields.items() if f in CATEGORICAL_FIELDS}
        num_cols = {f: column(c) for f, c in mapping.fields.items() if f in NUMERIC_FIELDS}
        extra_cols = {f: column(c) for f, c in mapping.extra.items()}
        label_cols = {f: position.get(c) for f, c in mapping.labels.items()} if labels else {}
        document_col = column(mapping.document) if mapping.document else None
        description_col = column(mapping.description) if mapping.description else None
        rows = list(reader)
    n = len(rows)
    ids = np.array([r[id_col] for r in rows], dtype=object)
    days = np.fromiter(
        (_day(r[date_col], mapping.date_format, f"{path}:{i + 2}") for i, r in enumerate(rows)), np.int64, n
    )
    cats: dict[str, np.ndarray] = {}
    for name in CATEGORICAL_FIELDS:
        col = cat_cols.get(name)
        if col is None:
            cats[name] = _blank(n)
        elif name == "hs":
            cats[name] = np.array([normalise_hs(r[col]) for r in rows], dtype=object)
        else:
            cats[name] = np.array([r[col].strip() for r in rows], dtype=object)
    for name, col in extra_cols.items():
        cats[name] = np.array([r[col].strip() for r in rows], dtype=object)
    nums = {
        name: np.fromiter((_float(r[col]) for r in rows), np.float64, n)
        if (col := num_cols.get(name)) is not None
        else np.full(n, np.nan)
        for name in NUMERIC_FIELDS
    }
    fraud = np.full(n, UNKNOWN, np.int8)
    critical = np.full(n, UNKNOWN, np.int8)
    if (col := label_cols.get("fraud")) is not None:
        fraud = _labels(rows, col, mapping.outcomes.get("fraud"), f"{path}: column {mapping.labels['fraud']!r}")
    if (col := label_cols.get("critical")) is not None:
        critical = _labels(
            rows, col, mapping.outcomes.get("critical"), f"{path}: column {mapping.labels['critical']!r}"
        )
        if label_cols.get("fraud") is None:
            fraud = np.where(critical >= 0, (critical >= 1).astype(np.int8), UNKNOWN).astype(np.int8)
    documents = None if document_col is None else np.array([r[document_col].strip() for r in rows], dtype=object)
    if documents is not None:
        days = _document_days(documents, days)
    descriptions = None
    if description_col is not None:
        descriptions = np.array([r[description_col] for r in rows], dtype=object)
    parents = tuple(mapping.parents.items())
    return Table(ids, days, cats, nums, fraud, critical, tuple(extra_cols), parents, documents, descriptions)


def _document_days(documents: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Every line of a document dated as its first line: the document is lodged, inspected and learnt as one."""
    named = documents != ""
    if not named.any():
        return days
    _, inverse = np.unique(documents[named].astype(str), return_inverse=True)
    first = np.full(inverse.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, days[named])
    out = days.copy()
    out[named] = first[inverse]
    return out


def from_records(
    records: Iterable[dict], *, extra: tuple[str, ...] = (), parents: tuple[tuple[str, str], ...] = ()
) -> Table:
    """Build a table from dicts with safelane's field names (plus 'id', 'day', 'fraud', 'critical', and
    'document' / 'description' when any record has one)."""
    records = list(records)
    cats = {
        name: np.array([str(r.get(name) or "") for r in records], dtype=object)
        for name in (*CATEGORICAL_FIELDS, *extra)
    }
    cats["hs"] = np.array([normalise_hs(h) for h in cats["hs"]], dtype=object)
    nums = {
        name: np.array([np.nan if r.get(name) is None else float(r[name]) for r in records], np.float64)
        for name in NUMERIC_FIELDS
    }

    def labels(key: str) -> np.ndarray:
        return np.array([UNKNOWN if r.get(key) is None else int(r[key]) for r in records], np.int8)

    def optional(key: str) -> np.ndarray | None:
        if not any(r.get(key) for r in records):
            return None
        return np.array([str(r.get(key) or "") for r in records], dtype=object)

    documents = optional("document")
    days = np.array([int(r["day"]) for r in records], np.int64)
    return Table(
        np.array([str(r["id"]) for r in records], dtype=object),
        days if documents is None else _document_days(documents, days),
        cats,
        nums,
        labels("fraud"),
        labels("critical"),
        extra,
        parents,
        documents,
        optional("description"),
    )


#: Inspection results in the store, as labels: (fraud, critical).
RESULT_LABELS = {"no_irregularity": (0, 0), "irregularity": (1, 1), "seizure": (1, 2)}


def from_store(conn, *, until=None) -> Table:
    """Training data from safelane's own store: every current consignment, labelled where it was inspected."""
    from safelane.risk.model.assessor import record
    from safelane.store.models import lodgements_with_outcomes

    records = []
    for chunk in lodgements_with_outcomes(conn, until=until):
        for lodgement, result in chunk:
            row = record(lodgement)
            if result is not None:
                row["fraud"], row["critical"] = RESULT_LABELS[result]
            records.append(row)
    return from_records(records)
