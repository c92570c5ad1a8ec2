"""Themes are data: TOML files in ``themes/`` (and the user's config dir) become Textual themes."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir
from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "workplan-dark"
HIGH_CONTRAST = "workplan-high-contrast"  # the default in a terminal of 16 colours
_COLOURS: tuple[str, ...] = ("primary", "secondary", "warning", "error", "success", "accent")
_COLOURS += ("foreground", "background", "surface", "panel", "boost")


def config_dir() -> Path:
    """``$WORKPLAN_CONFIG_DIR``, else the platform's per-user config folder (platformdirs)."""
    override = os.environ.get("WORKPLAN_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir("workplan", appauthor=False))


def theme_dirs() -> list[Path]:
    """The shipped themes (``themes/`` in a checkout, or inside the wheel), then the user's."""
    here = Path(__file__).resolve()
    shipped = [here.parents[2] / "themes", here.parents[1] / "themes"]
    return [d for d in shipped if d.is_dir()][:1] + [config_dir() / "themes"]


@dataclass(slots=True)
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_theme(path: Path) -> Theme:
    """One theme file; ValueError with a one-line reason when it is broken."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{path.name}: needs a 'name'")
    if not isinstance(data.get("primary"), str):
        raise ValueError(f"{path.name}: needs a 'primary' colour")
    kwargs: dict[str, Any] = {"name": name.strip()}
    for key in _COLOURS:
        value = data.get(key)
        if value is None:
            continue
        try:
            Color.parse(value)
        except (ColorParseError, TypeError):
            raise ValueError(f"{path.name}: {key} = {value!r} is not a colour") from None
        kwargs[key] = value
    kwargs["dark"] = bool(data.get("dark", True))
    kwargs["ansi"] = bool(data.get("ansi", False))  # true: the terminal's own 16 colours, as named
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError(f"{path.name}: [variables] must map names to strings")
    kwargs["variables"] = {str(k): v for k, v in variables.items()}
    return Theme(**kwargs)


def load_themes(folders: list[Path] | None = None) -> LoadedThemes:
    loaded = LoadedThemes()
    for folder in folders if folders is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                loaded.themes.append(load_theme(path))
            except ValueError as exc:
                loaded.problems.append(str(exc))
    return loaded


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings() -> dict[str, Any]:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> None:
    """Remember a per-user choice; a read-only config dir is not an error."""
    settings = load_settings()
    settings[key] = value
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(settings, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
