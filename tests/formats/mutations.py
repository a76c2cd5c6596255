"""Mutated messages for property tests and the fuzz harness: valid samples, damaged the ways real input is.

Byte-level damage (cut, insert, overwrite, duplicate, truncate) finds parser crashes; token-level
damage (replace one field, element text or EDIFACT element with hostile text) gets past the syntax
and exercises the readers and the domain validation behind them.
"""

import re

from hypothesis import strategies as st

from tests.formats.messages import read

SEEDS = {
    "cargo-xml": [
        "cargo-xml/riege__888-11111111_XFWB.xml",
        "cargo-xml/riege__SEL22222222_XFZB.xml",
        "own/safelane__XFHL_consolidation.xml",
    ],
    "cargo-imp": [
        "own/safelane__FWB_16.txt",
        "own/safelane__FHL_4.txt",
        "own/safelane__FWB_17.txt",
        "own/safelane__FHL_5.txt",
    ],
    "ffm": ["own/safelane__FFM_8.txt"],
    "xffm": ["own/safelane__XFFM_flight.xml"],
    "cuscar": ["own/safelane__CUSCAR_two_interchanges.edi"],
    "wco-dms": ["wco-dms/declarations/hmrc__TT_IM001a_import_H1_declaration.xml"],
    "ics-ens": ["own/safelane__IE315_air.xml", "ics-ens/hmrc-store__CC315A_full.xml"],
}
# characters that mean something in one of the syntaxes, plus digits, letters and non-ASCII
HOSTILE = st.one_of(
    st.text(alphabet=st.sampled_from(list("<>/&;'\"+:?=-.,0123456789AZaz \r\n\t\x00é€")), max_size=40),
    st.sampled_from(
        [
            "]]>",
            "&#0;",
            "&lt;",
            "UNA:+.? '",
            "UNH+1+CUSCAR:D:95B:UN'",
            "-1",
            "1e400",
            "NaN",
            "0",
            "99999999999999999999",
            "<![CDATA[x]]>",
            "FWB/16",
            "\r\n/",
        ]
    ),
)
_TOKEN = re.compile(rb">[^<]*<|[^/+:'\r\n<>]+")


def seeds(fmt: str) -> list[bytes]:
    return [read(name) for name in SEEDS[fmt]]


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds(fmt))))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        span = draw(st.integers(0, min(64, len(data) - at)))
        op = draw(st.sampled_from(["token", "token", "delete", "insert", "overwrite", "duplicate", "truncate"]))
        if op == "token":
            tokens = list(_TOKEN.finditer(bytes(data)))
            if not tokens:
                continue
            match = tokens[draw(st.integers(0, len(tokens) - 1))]
            text = draw(HOSTILE).encode("utf-8")
            start, end = match.span()
            if data[start : start + 1] == b">":
                start, end, text = start + 1, end - 1, text.replace(b"<", b"")
            data[start:end] = text
        elif op == "delete":
            del data[at : at + span]
        elif op == "insert":
            data[at:at] = draw(st.binary(max_size=32)) if draw(st.booleans()) else draw(HOSTILE).encode()
        elif op == "overwrite":
            data[at : at + span] = draw(st.binary(min_size=span, max_size=span))
        elif op == "duplicate":
            data[at:at] = data[at : at + span]
        else:
            del data[at:]
    return bytes(data)
