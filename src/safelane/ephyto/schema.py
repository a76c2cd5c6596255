"""Validation against the IPPC ePhyto Hub's schemas (shipped under data/hub-schemas, see PROVENANCE.md there).

A schema error is a warning, not a refusal: NPPOs' systems send certificates that break the schema in ways
that do not matter to a border check (element order, an empty ID), and refusing the certificate would leave the
consignment with no certificate at all. Only what makes the certificate unreadable is refused (reader.py).
"""

from functools import cache
from pathlib import Path

from lxml import etree

from safelane.domain import Problem
from safelane.formats.xml_safety import xpath_of

SCHEMAS = Path(__file__).parent / "data" / "hub-schemas"
CERTIFICATE_XSD = "s1.xsd"  # SPSCertificate:17
ENVELOPE_XSD = "s5.xsd"  # http://ephyto.ippc.int/HUB.Entities: Envelope, EnvelopeHeader


@cache
def _schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def schema_warnings(element: etree._Element, *, envelope: bool = False) -> list[Problem]:
    """Each schema error of the document rooted at `element`, located by XPath and line."""
    schema = _schema(ENVELOPE_XSD if envelope else CERTIFICATE_XSD)
    if schema.validate(element):
        return []
    return [
        Problem(f"{_where(element, error.path)} (line {error.line})", "schema", error.message)
        for error in schema.error_log
    ]


def _where(root: etree._Element, path: str | None) -> str:
    """libxml2's path of an error (prefixed, or /*/*[1] in a default namespace) as our readable XPath."""
    prefixes = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        found = root.getroottree().xpath(path or "", namespaces=prefixes)
    except etree.XPathError:
        return path or "/"
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return xpath_of(found[0])
    return path or "/"
