"""Read profile files with errors located by file, line and field."""

from pathlib import Path

import yaml
from pydantic import ValidationError

from safelane.domain import Problem, problems_from_validation
from safelane.domain.problems import error_path
from safelane.risk.profiles.language import Profile


class ProfileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.location}: {p.message}" for p in problems))


def _line_of(node: yaml.Node | None, path: tuple) -> int | None:
    """Follow a pydantic error path through the YAML node tree to the line the analyst wrote."""
    line = node.start_mark.line + 1 if node else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_text(text: str, source: str = "<profile>") -> Profile:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ProfileError([Problem(where, "yaml_syntax", str(getattr(error, "problem", error)))]) from None
    if not isinstance(data, dict):
        raise ProfileError([Problem(source, "not_a_mapping", "a profile file holds one YAML mapping")])
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        problems = []
        for problem, raw in zip(problems_from_validation(error.errors()), error.errors(), strict=True):
            line = _line_of(node, error_path(raw))
            where = f"{source}:{line} {problem.location}" if line else f"{source} {problem.location}"
            problems.append(Problem(where, problem.code, problem.message))
        raise ProfileError(problems) from None


def load_file(path: Path) -> Profile:
    return load_text(path.read_text(encoding="utf-8"), str(path))


def load_folder(folder: Path) -> list[Profile]:
    """Every *.yaml / *.yml profile in the folder; all errors of all files at once."""
    profiles, problems = [], []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            profiles.append(load_file(path))
        except ProfileError as error:
            problems += error.problems
    seen: dict[tuple[str, int], int] = {}
    for profile in profiles:
        key = (profile.id, profile.version)
        seen[key] = seen.get(key, 0) + 1
    problems += [
        Problem(str(folder), "duplicate_profile", f"{i} v{v} is defined twice") for (i, v), n in seen.items() if n > 1
    ]
    if problems:
        raise ProfileError(problems)
    return profiles
