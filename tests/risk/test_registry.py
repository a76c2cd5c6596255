"""The assessor registry: built-in specs, names taken once, page order, floors, plugins that fail to load."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from safelane.domain import Channel, Filing, Finding, Lodgement
from safelane.risk.profiles import ProfileSet
from safelane.risk.registry import DEFAULT_EVIDENCE, AssessorContext, Assessors, AssessorSpec, RegistryError, installed
from safelane.screening.policy import ScreeningPolicy
from safelane.settings import Settings
from safelane.system import DEFAULT_ASSESSORS, build
from tests.factories import filing, sea_consignment

DEMO_PROFILES = Path(__file__).parents[2] / "src" / "safelane" / "demo" / "profiles"


class WantsRed:
    """Finds every consignment and demands the red channel, with no score of its own."""

    name = "wants_red"

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        return [[Finding(self.name, "RED", 0.0, "inspect it", channel=Channel.RED)] for _ in lodgements]

    def versions(self) -> Mapping[str, str]:
        return {}


def wants_red(*, floors: bool) -> AssessorSpec:
    return AssessorSpec("wants_red", "Red on demand", lambda context: WantsRed(), floors=floors)


def spec(name: str, order: int = 100) -> AssessorSpec:
    return AssessorSpec(name, name.title(), lambda context: None, order=order)


def channel_of(*specs: AssessorSpec) -> str:
    system = build(Settings(), store=False, profiles_dir=DEMO_PROFILES, assessors=specs)
    [result] = system.pipeline.evaluate([Filing.model_validate(filing(sea_consignment()))])
    return result.consignments[0].outcome


def test_an_undeclared_floor_does_not_decide():
    assert channel_of(wants_red(floors=False)) == "green"


def test_a_declared_floor_decides():
    assert channel_of(wants_red(floors=True)) == "red"


def test_a_name_is_registered_once():
    with pytest.raises(RegistryError, match="two assessors are named 'screening'"):
        Assessors([*DEFAULT_ASSESSORS, spec("screening")])


def test_specs_come_in_page_order():
    assert [s.name for s in Assessors([spec("b", 50), spec("a", 50), spec("c", 10)])] == ["c", "a", "b"]


def test_built_in_assessors_name_their_findings_as_their_specs():
    context = AssessorContext(Settings(), None, lambda: ProfileSet([]))
    built = {s.name: s.build(context) for s in DEFAULT_ASSESSORS}
    assert {name: a.name for name, a in built.items() if a is not None} == {
        "profiles": "profiles",
        "placi": "placi",
        "screening": "screening",
        "strategic": "strategic",
        "ecommerce": "ecommerce",
    }


def test_the_model_needs_a_database():
    context = AssessorContext(Settings(), None, lambda: ProfileSet([]))
    [model] = [s for s in DEFAULT_ASSESSORS if s.name == "model"]
    assert model.build(context) is None


def test_floors_are_declared_by_profiles_placi_screening_strategic_goods_and_trader_data():
    assert Assessors(DEFAULT_ASSESSORS).floors == {"profiles", "placi", "screening", "strategic", "trader_data"}


def test_the_system_decides_with_the_registry_floors():
    system = build(Settings(), store=False, profiles_dir=DEMO_PROFILES)
    assert system.pipeline.policy.floor_assessors == {"profiles", "placi", "screening", "strategic", "trader_data"}


def test_an_assessor_no_longer_installed_is_shown_by_name_last():
    shown = Assessors(DEFAULT_ASSESSORS).spec("trusted_trader")
    assert (shown.title, shown.evidence, shown.order) == ("Trusted trader", DEFAULT_EVIDENCE, 1000)


def test_screening_reads_its_policy_from_the_settings(monkeypatch):
    monkeypatch.setenv("SAFELANE_SCREENING_STRONG", "0.93")
    monkeypatch.setenv("SAFELANE_SCREENING_REFERRAL", "dnl")
    assert Settings.from_env().screening == ScreeningPolicy(strong=0.93, strong_referral="DNL")


def test_a_bad_screening_referral_is_refused(monkeypatch):
    monkeypatch.setenv("SAFELANE_SCREENING_REFERRAL", "RFI")
    with pytest.raises(ValueError, match="SAFELANE_SCREENING_REFERRAL must be RFS or DNL"):
        Settings.from_env()


def test_plugins_read_their_own_variables_from_the_settings(monkeypatch):
    monkeypatch.setenv("SAFELANE_LATE_FILING_HOURS", "6")
    assert Settings.from_env().options["SAFELANE_LATE_FILING_HOURS"] == "6"


def distribution(root: Path, package: str, entry_point: str) -> None:
    """An installed distribution as importlib.metadata finds it: a dist-info with one assessor entry point."""
    info = root / f"{package.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[safelane.assessors]\n{entry_point}\n")


@pytest.mark.parametrize(
    ("entry_point", "message"),
    [
        ("broken = no_such_module:SPEC", "cannot be loaded: ModuleNotFoundError"),
        ("dumps = orjson:dumps", "is a builtin_function_or_method, not an AssessorSpec"),
        ("renamed = safelane.risk.placi:SPEC", "declares the assessor 'placi'; name the entry point 'placi'"),
    ],
)
def test_a_bad_plugin_fails_naming_its_package(tmp_path, monkeypatch, entry_point, message):
    distribution(tmp_path, "customs-extra-checks", entry_point)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RegistryError, match="of package customs-extra-checks") as refused:
        installed()
    assert message in str(refused.value)


def test_a_plugin_may_not_take_a_built_in_name(tmp_path, monkeypatch):
    distribution(tmp_path, "customs-extra-checks", "placi = safelane.risk.placi:SPEC")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RegistryError, match="two assessors are named 'placi'"):
        build(Settings(), store=False, profiles_dir=DEMO_PROFILES)


def test_without_plugins_the_built_ins_are_registered():
    system = build(Settings(), store=False, profiles_dir=DEMO_PROFILES)
    expected = [
        "profiles",
        "placi",
        "manifest",
        "screening",
        "strategic",
        "traders",
        "trader_data",
        "model",
        "ecommerce",
        "valuation",
        "ephyto",
    ]
    assert [s.name for s in system.assessors] == expected
