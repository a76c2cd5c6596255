from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from safelane.formats import cuscar, detect, parse
from safelane.formats.edifact import _fast, _pydifact, _syntax, messages
from tests.formats.messages import problems, read

OWN = "own/safelane__CUSCAR_two_interchanges.edi"


def test_two_interchanges_two_releases_give_two_filings():
    data = read(OWN)
    assert detect(data) == "cuscar"
    first, second = parse(data, filer="MAEU")
    assert (first.document_number, first.message_type, first.kind) == ("MANIFEST0001", "CUSCAR", "pre_arrival")
    assert first.filed_at == datetime(2026, 11, 15, 6, 30, tzinfo=UTC)
    bananas, mixed = first.consignments
    assert (bananas.mode, bananas.master_document, bananas.house_document) == ("sea", "MAEU123456789", None)
    assert bananas.consignor.name == "FRUTAS DEL PACIFICO SA"
    assert bananas.consignor.address.country == "EC"
    assert (bananas.consignee.address.city, bananas.consignee.address.postcode) == ("ROTTERDAM", "3089")
    [item] = bananas.goods
    assert (item.description, item.hs_code, item.packages, item.package_kind, item.gross_mass_kg) == (
        "FRESH BANANAS",
        "080390",
        1080,
        "BX",
        21000.0,
    )
    assert bananas.equipment == ["MSKU1234565"]
    assert (bananas.itinerary.place_of_loading, bananas.itinerary.place_of_unloading) == ("ECGYE", "NLRTM")
    assert bananas.itinerary.arrival_at == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
    assert (bananas.transport_means.identifier, bananas.transport_means.name, bananas.transport_means.nationality) == (
        "9321483",
        "MAERSK EXAMPLE",
        "DK",
    )
    assert mixed.house_document == "HBL-77"
    assert mixed.notify_party.name == "DUTCH GROCERS NV"
    assert mixed.consignor.name == "O'BRIEN TRADING SA"  # release character ?' read by pydifact
    assert mixed.consignor.address.street == "CALLE 5+7"
    assert [g.hs_code for g in mixed.goods] == ["080450", "180100"]
    assert second.document_number == "MANIFEST0002"
    assert second.filed_at == datetime(2026, 11, 16, tzinfo=UTC)
    [pumps] = second.consignments
    assert (pumps.itinerary.place_of_loading, pumps.goods[0].gross_mass_kg) == ("CNSHA", 3600.0)


def test_envelopes_of_baplie_and_coarri_are_read_and_the_messages_refused():
    [baplie] = messages(read("edifact/php-edifact__D95BBAPLIE.edi"))
    assert (baplie.type, baplie.version, len(baplie.segments)) == ("BAPLIE", "D:95B", 30)
    coarri = messages(read("edifact/php-edifact__D95BCOARRI.edi"))
    assert [(m.reference, len(m.segments)) for m in coarri] == [("1452515553811", 33), ("1452515553819", 237)]
    assert problems(parse, read("edifact/php-edifact__D95BBAPLIE.edi")) == [
        ("segment 2 (UNH), element 2", "unsupported_message")
    ]


def test_envelope_counts_are_checked():
    data = read(OWN).replace(b"UNT+37+1'", b"UNT+36+1'")
    assert problems(parse, data) == [("segment 38 (UNT), element 1", "envelope")]
    data = read(OWN).replace(b"UNZ+1+REF2'", b"UNZ+2+REF2'")
    assert problems(parse, data) == [("segment 56 (UNZ), element 1", "envelope")]


def test_errors_name_segment_and_element():
    data = read(OWN).replace(b"GID+1+1080:BX'", b"GID+1+many:BX'")
    assert problems(parse, data) == [("segment 17 (GID), element 2", "not_a_number")]
    data = read(OWN).replace(b"PIA+5+080390:HS'", b"PIA+5+770390:HS'")
    assert problems(parse, data) == [("segment 19 (PIA), element 2", "unknown_hs_chapter")]
    data = read(OWN).replace(b"LOC+9+CNSHA:139:6'", b"LOC+9+CNQQQ:139:6'")
    assert problems(parse, data) == [("segment 45 (LOC), element 2", "unknown_locode")]


def test_old_releases_and_garbage_are_refused():
    data = read(OWN).replace(b"CUSCAR:D:95B", b"CUSCAR:D:93A")
    assert problems(cuscar.parse, data) == [("segment 2 (UNH), element 2", "unsupported_release")]
    assert problems(cuscar.parse, b"UNB+UNOC:3+A+B+261115:0630+R1'UNH+1+CUSCAR:D:95B:UN'BGM+785+X") == [
        ("segment 1", "malformed_edifact")
    ]


def test_fast_split_matches_pydifact_on_the_samples():
    for name in ("edifact/php-edifact__D95BBAPLIE.edi", "edifact/php-edifact__D95BCOARRI.edi"):
        chars, body = _syntax(read(name).decode().strip())
        assert list(_fast(body, chars)) == list(_pydifact(body, chars))


COMPONENT = st.text(alphabet=st.characters(codec="latin-1", exclude_characters="?'+:\r\n"), max_size=6)
ELEMENT = st.lists(COMPONENT, min_size=1, max_size=4).map(":".join)
SEGMENT = st.tuples(
    st.from_regex(r"[A-Z]{3}", fullmatch=True), st.lists(ELEMENT, max_size=6), st.sampled_from(["", "\n", "\r\n"])
)


@settings(max_examples=120, deadline=None)
@given(st.lists(SEGMENT, min_size=1, max_size=8))
def test_fast_split_matches_pydifact_on_any_segments(segments):
    body = "".join("+".join([tag, *elements]) + "'" + newline for tag, elements, newline in segments)
    chars, _ = _syntax(body)
    assert list(_fast(body, chars)) == list(_pydifact(body, chars))
