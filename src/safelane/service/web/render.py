"""Server-rendered pages: one Jinja2 environment, a few filters officers need (times, time left, scores).

Pages are HTML forms and links, so they work without JavaScript and with no internet; the small
script and style sheet are our own files under /static.
"""

from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FunctionLoader,
    PackageLoader,
    StrictUndefined,
    Undefined,
    select_autoescape,
)

from safelane.cases.queue import OVERDUE_HORIZON

if TYPE_CHECKING:
    from safelane.service.web.signin import Officer


def when(value: datetime | None) -> str:
    """UTC, to the minute: what an officer reads in a list."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def minute(value: datetime | None) -> str:
    """UTC to the minute without the zone, for a column whose heading says UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else ""


def duration(value: timedelta | float | None) -> str:
    """A span as '2 h 05 min', '12 min' or '45 s'; negative spans read as overdue."""
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    sign, seconds = ("overdue " if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    return f"{sign}{minutes} min" if minutes else f"{sign}{secs} s"


def deadline(left: timedelta | None, due: datetime | None) -> str:
    """The time left before `due`; past the overdue horizon, the day it passed (an old filing is not urgent)."""
    if left is None or due is None:
        return ""
    if left < -OVERDUE_HORIZON:
        return f"passed {due.astimezone(UTC):%Y-%m-%d}"
    return duration(left)


def score(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def packaged(name: str) -> str | None:
    """A template named "package:path" from inside an installed package: a plugin assessor's evidence partial."""
    package, colon, path = name.partition(":")
    if not colon:
        return None
    try:
        return files(package).joinpath(path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def _environment(undefined: type[Undefined]) -> Environment:
    made = Environment(
        loader=ChoiceLoader([PackageLoader("safelane.service.web", "templates"), FunctionLoader(packaged)]),
        autoescape=select_autoescape(default=True),
        undefined=undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    made.filters.update(when=when, minute=minute, duration=duration, deadline=deadline, score=score)
    return made


# In service a field a message did not fill shows blank; with SAFELANE_STRICT_TEMPLATES (the tests) any
# undefined name or key fails the page, so templates must say what is optional (`is defined`, `.get`, `default`).
ENVIRONMENTS = {False: _environment(ChainableUndefined), True: _environment(StrictUndefined)}


def now(request: Request) -> datetime:
    """The system's clock (the pipeline's): pages and the records they write keep one time, as tests set it."""
    return request.app.state.system.pipeline.clock()


def page(
    request: Request, template: str, officer: "Officer | None", *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a template with the signed-in officer (None on the sign-in page) and the current path."""
    environment = ENVIRONMENTS[request.app.state.system.settings.strict_templates]
    audit = request.app.state.audit_watch.status() if officer is not None else None  # from memory: no query
    html = environment.get_template(template).render(
        request=request, officer=officer, path=request.url.path, now=now(request), audit=audit, **context
    )
    return HTMLResponse(html, status_code=status)


def not_found(request: Request, officer: "Officer", message: str) -> HTMLResponse:
    """The 404 page, saying what is not there."""
    return page(request, "error.html", officer, status=404, title="Not found", message=message)
