"""Answers in the filer's own standard: each decision rendered back the way the filing came in.

One `Answer` record per answer standard (air: Cargo-XML XCSN-shaped or Cargo-IMP CSN-shaped; sea
cargo reports: EDIFACT CUSRES; declarations: a WCO DMS response; entry summaries: ICS CC328A/CC351A;
JSON, always available). Which answers which filing is said by each `Standard` (`formats.registry`).
Each module also reads its own rendering back (`read`), which the round-trip tests use.
"""

from safelane.formats.outbound import csn, cusres, dms_response, ics_answer, json_answer, xcsn
from safelane.formats.standard import Answer

ANSWERS: tuple[Answer, ...] = (
    Answer("json", "JSON (safelane's own answer)", "application/json", json_answer.render, json_answer.read),
    Answer("xcsn", "Cargo-XML customs status notification (XCSN-shaped)", "application/xml", xcsn.render, xcsn.read),
    Answer("csn", "Cargo-IMP customs status notification (CSN-shaped)", "text/plain", csn.render, csn.read),
    Answer("cusres", "UN/EDIFACT CUSRES customs response", "application/edifact", cusres.render, cusres.read),
    Answer("dms-response", "WCO DMS response", "application/xml", dms_response.render, dms_response.read),
    Answer(
        "ics",
        "ICS answer (CC328A acceptance, CC351A intervention, CC316A rejection)",
        "application/xml",
        ics_answer.render,
        ics_answer.read,
    ),
)
BY_NAME = {answer.name: answer for answer in ANSWERS}
READERS = {answer.name: answer.read for answer in ANSWERS}
