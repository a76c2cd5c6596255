"""Parse untrusted XML safely and name places in it by XPath.

Filers' XML reaches us from outside, so the parser never loads a DTD, never expands or fetches
entities, never touches the network, and then refuses any document with a DOCTYPE at all (no
standard safelane reads needs one; refusing is simpler to trust than neutralising). Size is checked before
parsing, and libxml2's own nesting limit (256 levels without XML_PARSE_HUGE, which we never set)
bounds depth, so an XML bomb or an oversized file costs bounded memory and gives a clear error.
"""

from collections.abc import Iterator

from lxml import etree

from safelane.domain import InvalidMessage, Problem

MAX_XML_BYTES = 10 * 1024 * 1024  # far above any real waybill or declaration (they are kilobytes)

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_blank_text=True,  # whitespace between elements: never read, and 20% of the parse time
    remove_pis=True,
    collect_ids=False,
)


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """The root element of a well-formed, DTD-free document, or InvalidMessage saying why not."""
    if len(data) > max_bytes:
        raise InvalidMessage(
            [Problem("$", "too_large", f"the message has {len(data):,} bytes; the limit for XML is {max_bytes:,}")]
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (0, 0)
        code = "too_deep" if "depth" in str(error).lower() else "malformed_xml"
        raise InvalidMessage([Problem(f"line {line}, column {column}", code, str(error.msg or error))]) from None
    except ValueError as error:  # e.g. an encoding declaration on a str, or an unknown encoding
        raise InvalidMessage([Problem("$", "malformed_xml", str(error))]) from None
    if root is None:
        raise InvalidMessage([Problem("$", "malformed_xml", "the document has no root element")])
    info = root.getroottree().docinfo
    # entities stay unexpanded, but we refuse them anyway; lxml-stubs 0.5 lack DocInfo.doctype
    if info.doctype or info.internalDTD is not None:
        raise InvalidMessage(
            [Problem("/", "dtd_forbidden", "XML with a DOCTYPE or entity declarations is not accepted")]
        )
    return root


def text_of(element: etree._Element | None) -> str | None:
    """An element's text, whitespace collapsed; None when absent or blank."""
    if element is None or not element.text:
        return None
    return " ".join(element.text.split()) or None


def local(element: etree._Element) -> str:
    """The tag without its namespace: the standards we read are unambiguous by local name."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def xpath_of(element: etree._Element) -> str:
    """A readable XPath by local names, with a position where siblings share a name: /Waybill/A/B[2]/C."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local(node)
        parent = node.getparent()
        if parent is not None:
            same = [s for s in parent if local(s) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


class Node:
    """An element whose children are found by local name, in any namespace.

    lxml matches "{*}Name" in C while iterating, which beats building a Python index per element."""

    __slots__ = ("element",)

    def __init__(self, element: etree._Element):
        self.element = element

    def all(self, name: str) -> Iterator["Node"]:
        for child in self.element.iterchildren("{*}" + name):
            yield Node(child)

    def first(self, name: str) -> "Node | None":
        found = next(self.element.iterchildren("{*}" + name), None)
        return Node(found) if found is not None else None

    def path(self, *names: str) -> "Node | None":
        element: etree._Element | None = self.element
        for name in names:
            if element is None:
                return None
            element = next(element.iterchildren("{*}" + name), None)
        return Node(element) if element is not None else None

    def raw(self, name: str) -> etree._Element | None:
        return next(self.element.iterchildren("{*}" + name), None)

    def element_at(self, *names: str) -> etree._Element | None:
        """The element at the end of the path, to note as an origin; None when absent."""
        found = self.path(*names)
        return found.element if found is not None else None

    def text(self, *names: str) -> str | None:
        """The text of the first element along the path, whitespace collapsed; None when absent or blank."""
        element = self.element
        for name in names:
            found = next(element.iterchildren("{*}" + name), None)
            if found is None:
                return None
            element = found
        text = element.text
        if not text:
            return None
        return " ".join(text.split()) or None

    def fields(self) -> dict[str, str]:
        """The children's texts by local name (first of each name), for small records read whole."""
        found: dict[str, str] = {}
        for child in self.element:
            tag, text = child.tag, child.text
            if tag.__class__ is str and text:
                name = tag.rpartition("}")[2]
                if name not in found and (value := " ".join(text.split())):
                    found[name] = value
        return found

    def children(self) -> dict[str, etree._Element]:
        """The first child of each local name, for records read field by field (one pass, then dict hits)."""
        found: dict[str, etree._Element] = {}
        for child in self.element:
            tag = child.tag
            if tag.__class__ is str:
                found.setdefault(tag.rpartition("}")[2], child)
        return found

    @property
    def name(self) -> str:
        return local(self.element)

    def attribute(self, name: str) -> str | None:
        return self.element.get(name)


class IndexedNode(Node):
    """A Node for an element with many children that is asked about many of them (a consignment): its
    children are grouped by local name once, and every lookup is then a dictionary hit."""

    __slots__ = ("_groups",)

    def __init__(self, element: etree._Element):
        super().__init__(element)
        groups: dict[str, list[etree._Element]] = {}
        for child in element:
            tag = child.tag
            if tag.__class__ is str:
                groups.setdefault(tag.rpartition("}")[2], []).append(child)
        self._groups = groups

    def all(self, name: str) -> Iterator[Node]:
        for child in self._groups.get(name, ()):
            yield Node(child)

    def first(self, name: str) -> Node | None:
        found = self._groups.get(name)
        return Node(found[0]) if found else None

    def raw(self, name: str) -> etree._Element | None:
        found = self._groups.get(name)
        return found[0] if found else None

    def path(self, *names: str) -> Node | None:
        head = self.first(names[0])
        return head.path(*names[1:]) if head is not None and len(names) > 1 else head

    def text(self, *names: str) -> str | None:
        head = self.raw(names[0])
        if head is None:
            return None
        return Node(head).text(*names[1:]) if len(names) > 1 else text_of(head)
