"""What every XML standard's reader shares: where values came from, and the problems found so far.

Problems are collected rather than raised, so one refusal lists every defect of a message, each at
its XPath; an element that should be there but is not is located as its parent's XPath plus its name.
"""

import re
from typing import Any

from lxml import etree

from safelane.domain import Problem
from safelane.formats.located import Origins
from safelane.formats.units import UNITS, kilograms
from safelane.formats.xml_safety import local, xpath_of

# Numbers as the XML Schema types write them (xs:integer, xs:decimal, xs:double): no "1_000", "nan" or "inf".
_WHOLE = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class Missing:
    """An element that should be there: located as its parent's XPath plus its name."""

    __slots__ = ("name", "parent")

    def __init__(self, parent: etree._Element, name: str):
        self.parent = parent
        self.name = name


def describe(origin: Any) -> str:
    """An origin as the filer can find it: an XPath (text origins are already descriptions)."""
    if isinstance(origin, str):
        return origin
    if isinstance(origin, Missing):
        return f"{xpath_of(origin.parent)}/{origin.name}"
    return xpath_of(origin)


class XmlReader:
    """Reads one message, noting origins and collecting problems instead of stopping at the first."""

    def __init__(self, origins: Origins):
        self.origins = origins
        self.problems: list[Problem] = []

    def fail(self, origin: Any, code: str, message: str) -> None:
        self.problems.append(Problem(describe(origin), code, message))

    def number(self, element: etree._Element | None, path: str, *, whole: bool) -> float | int | None:
        """The element's number, noted as the origin of `path`; a non-number is a located problem."""
        if element is None:
            return None
        text = (element.text or "").strip()
        if not text:
            return None
        self.origins.note(path, element)
        if (_WHOLE if whole else _DECIMAL).fullmatch(text):
            return int(text) if whole else float(text)
        kind = "a whole number" if whole else "a number"
        self.fail(element, "not_a_number", f"{local(element)} must be {kind}, got {text!r}")
        return None

    def mass(self, element: etree._Element | None, path: str, *, default_unit: str = "KGM") -> float | None:
        """A weight in kilograms from an element with a `unitCode` (UN/ECE Rec. 20)."""
        value = self.number(element, path, whole=False)
        if value is None or element is None:
            return None
        unit = element.get("unitCode", default_unit)
        converted = kilograms(value, unit)
        if converted is None:
            self.fail(element, "unknown_unit", f"weight unit {unit!r} is not one of {UNITS}")
        return converted
