"""Column mapping files: which column of a customer's CSV holds which of safelane's fields.

A mapping is a small YAML file (see `mappings/korea-customs.yaml`, the worked example)::

    name: korea-customs
    id: Declaration ID            # the row's own reference
    date: Date                    # the declaration date
    date_format: "%Y-%m-%d"       # strptime format; ISO 8601 when absent
    fields:                       # safelane field: customer's column (leave out what the file lacks)
      importer: Importer ID
      hs: HS6 Code
      ...
    extra:                        # further declared codes, used as categorical features as they are
      import_type: Import Type
    parents:                      # optional: a code's parent code (smoothed level by level, parent first)
      import_use: import_type
    document: Declaration No      # optional: lines of one document share an outcome and a history
    description: Goods Text       # optional: the goods description (hashed word n-grams)
    labels:                       # outcome columns; a file without them can still be scored
      fraud: Fraud                # 0/1
      critical: Critical Fraud    # 0/1/2 (optional)
    outcomes:                     # optional: a label column holding codes rather than numbers
      fraud: {S: 1, R: 1, C: 0}   # each code's label; a code not listed is an error, a blank is unknown
"""

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

#: The party and goods codes a model can learn track records from (text codes).
CATEGORICAL_FIELDS = (
    "importer",
    "declarant",
    "seller",
    "courier",
    "office",
    "hs",
    "origin",
    "departure",
    "mode",
    "tax_type",
)
#: Declared amounts.
NUMERIC_FIELDS = ("mass", "value", "tax_rate")
LABEL_FIELDS = ("fraud", "critical")


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class ColumnMapping:
    name: str
    id: str
    date: str
    date_format: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)  # child field: parent field (both mapped codes)
    document: str | None = None
    description: str | None = None
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # label: {code in its column: label}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ColumnMapping":
        if not isinstance(data, dict):
            raise MappingError("a mapping is a YAML mapping of safelane fields to column names")
        for key in ("id", "date"):
            if not isinstance(data.get(key), str):
                raise MappingError(f"mapping: '{key}' must name a column")
        known = set(CATEGORICAL_FIELDS) | set(NUMERIC_FIELDS)
        fields = dict(data.get("fields") or {})
        unknown = sorted(set(fields) - known)
        if unknown:
            raise MappingError(f"mapping: unknown field(s) {unknown}; known: {sorted(known)}")
        labels = dict(data.get("labels") or {})
        unknown = sorted(set(labels) - set(LABEL_FIELDS))
        if unknown:
            raise MappingError(f"mapping: unknown label(s) {unknown}; known: {list(LABEL_FIELDS)}")
        extra = dict(data.get("extra") or {})
        clash = sorted(set(extra) & (known | set(LABEL_FIELDS)))
        if clash:
            raise MappingError(f"mapping: extra column name(s) {clash} clash with standard fields")
        for section in (fields, extra, labels):
            for k, v in section.items():
                if not isinstance(v, str) or not v:
                    raise MappingError(f"mapping: '{k}' must name a column")
        parents = dict(data.get("parents") or {})
        codes = (set(fields) & set(CATEGORICAL_FIELDS)) | set(extra)
        for child, parent in parents.items():
            if child not in codes or parent not in codes or child == parent:
                raise MappingError(
                    f"mapping: parents: {child!r} -> {parent!r} must join two different mapped codes ({sorted(codes)})"
                )
        for key in ("document", "description"):
            if data.get(key) is not None and (not isinstance(data[key], str) or not data[key]):
                raise MappingError(f"mapping: '{key}' must name a column")
        outcomes = _outcomes(data.get("outcomes") or {}, labels)
        return cls(
            str(data.get("name") or "custom"),
            data["id"],
            data["date"],
            data.get("date_format"),
            fields,
            extra,
            labels,
            parents,
            data.get("document"),
            data.get("description"),
            outcomes,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "date": self.date,
            "date_format": self.date_format,
            "fields": dict(self.fields),
            "extra": dict(self.extra),
            "labels": dict(self.labels),
            "parents": dict(self.parents),
            "document": self.document,
            "description": self.description,
            "outcomes": {k: dict(v) for k, v in self.outcomes.items()},
        }


def _outcomes(data: Any, labels: dict[str, str]) -> dict[str, dict[str, int]]:
    """Label codes, checked: each names a mapped label and gives every code a label the label allows."""
    if not isinstance(data, dict):
        raise MappingError("mapping: 'outcomes' maps a label to {code: value}")
    out = {}
    for label, codes in data.items():
        if label not in labels:
            raise MappingError(f"mapping: outcomes: {label!r} is not a mapped label ({sorted(labels)})")
        allowed = (0, 1, 2) if label == "critical" else (0, 1)
        if not isinstance(codes, dict) or not codes or any(v not in allowed for v in codes.values()):
            raise MappingError(f"mapping: outcomes: {label!r} must map each code to one of {list(allowed)}")
        out[label] = {str(k).strip(): int(v) for k, v in codes.items()}
    return out


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a mapping file; a bare name (e.g. 'korea-customs') finds a packaged one."""
    candidate = Path(path)
    if not candidate.exists() and not candidate.suffix:
        packaged = files("safelane.risk.model") / "mappings" / f"{path}.yaml"
        if packaged.is_file():
            return ColumnMapping.from_dict(yaml.safe_load(packaged.read_text()))
    try:
        text = candidate.read_text()
    except OSError as error:
        raise MappingError(f"mapping {path}: {error}") from error
    return ColumnMapping.from_dict(yaml.safe_load(text))
