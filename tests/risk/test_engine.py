import pytest

from safelane.domain import Finding
from safelane.risk.engine import RiskEngine, combine
from tests.factories import lodgement


def finding(score: float) -> Finding:
    return Finding("t", f"F{score}", score, "because")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], 0.0),
        ([50], 50.0),
        ([50, 50], 75.0),
        ([100, 20], 100.0),
        ([80, -50], 40.0),
        ([150], 100.0),
    ],
)
def test_scores_combine_as_independent_signals(scores, expected):
    assert combine([finding(s) for s in scores]) == pytest.approx(expected)


class Fixed:
    name = "fixed"

    def __init__(self, scores):
        self.scores = scores

    def assess(self, lodgements):
        return [[finding(s)] for s in self.scores[: len(lodgements)]]

    def versions(self):
        return {"fixed": "v7"}


def test_engine_gathers_findings_of_every_assessor_in_order_of_weight():
    engine = RiskEngine([Fixed([10, 90]), Fixed([60, 0])])
    first, second = engine.assess([lodgement(), lodgement()])
    assert [f.score for f in first.findings] == [60, 10]
    assert first.score == pytest.approx(64.0)
    assert second.score == pytest.approx(90.0)
    assert first.versions == {"fixed": "v7"}


class Keeping(Fixed):
    """An assessor with rows of its own: `record` is handed what the pipeline stores."""

    def __init__(self, scores):
        super().__init__(scores)
        self.recorded: list[tuple[object, list[object]]] = []

    def record(self, conn, stored):
        self.recorded.append((conn, list(stored)))


def test_engine_records_only_through_assessors_that_keep_rows():
    keeping = Keeping([10])
    engine = RiskEngine([Fixed([5]), keeping])
    engine.record("the-connection", ["item"])
    assert keeping.recorded == [("the-connection", ["item"])]
