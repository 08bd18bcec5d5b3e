"""Player settings, kept as JSON in the data directory."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from game.errors import BrinkError
from game.i18n import _

log = logging.getLogger(__name__)
_MAX_BYTES = 64 * 1024

SIZES = [(800, 600), (1024, 768), (1280, 720), (1600, 900), (1920, 1080)]
TEXT_SCALES = [0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0]

MAX_TEXT_SCALE = 2.0
SMALL_WINDOW_TEXT = 1.3  # the text setting the smallest window (800×600) still honours


def text_cap(size: tuple[int, int]) -> float:
    """The largest text setting a window of ``size`` shows without cutting text: 1.3× in
    the smallest window (800×600), 1.75× at 1280×720, 2× from about 1440×810 (measured
    with the layout tests: larger text in a smaller window cuts names in every panel)."""
    k = min(size[0] / 1280, size[1] / 720)
    return round(min(MAX_TEXT_SCALE, max(SMALL_WINDOW_TEXT, 1.0 + (k - 0.625) * 2.0)), 2)


def text_setting_for(size: tuple[int, int], setting: float) -> float:
    """The player's text setting as a window of ``size`` can show it (see ``text_cap``)."""
    return min(setting, text_cap(size))


class SettingsError(BrinkError):
    """A settings file that cannot be used (the game then starts with the defaults)."""


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a setting")


@dataclass
class Settings:
    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    text_scale: float = 1.0
    palette: str = "okabe_ito"
    sound: bool = True
    tour_seen: bool = False  # the first-turn tour was shown (F1 shows it again)
    language: str = ""  # "" follows the system (see game.i18n.choose); else "en", "es"...

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """The settings in ``path``; defaults (with a warning) if it is damaged.

        Settings are a convenience: a broken file never stops the game.
        """
        try:
            return cls.read(path)
        except FileNotFoundError:
            return cls()
        except SettingsError as e:
            log.warning(_("{problem}; using the default settings", problem=e))
            return cls()

    @classmethod
    def read(cls, path: Path) -> Settings:
        """The settings in ``path``, or ``SettingsError`` naming the file and the problem."""
        try:
            if not path.is_file():
                if path.exists():
                    raise SettingsError(_("{path}: not a regular file", path=path), file=path)
                raise FileNotFoundError(path)
            with path.open("rb") as fh:
                data = fh.read(_MAX_BYTES + 1)
            if len(data) > _MAX_BYTES:
                raise SettingsError(_("{path}: the file is too large", path=path), file=path)
            raw = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, RecursionError) as e:
            raise SettingsError(
                _("{path}: cannot read the settings ({problem})", path=path, problem=e), file=path
            ) from None
        if not isinstance(raw, dict):
            raise SettingsError(
                _("{path}: the settings should be a JSON object", path=path), file=path
            )
        s = cls()
        for f in fields(cls):
            if f.name not in raw:
                continue
            value, default = raw[f.name], getattr(s, f.name)
            same = type(value) is type(default) or (
                isinstance(default, float) and type(value) is int
            )
            if not same:
                got = repr(value)[:40]
                raise SettingsError(
                    _(
                        "{path}: {field} should be {kind}, got {value}",
                        path=path,
                        field=f.name,
                        kind=type(default).__name__,
                        value=got,
                    ),
                    file=path,
                )
            setattr(s, f.name, value)
        if s.text_scale not in TEXT_SCALES:
            s.text_scale = 1.0
        s.width = min(max(int(s.width), 800), 7680)
        s.height = min(max(int(s.height), 600), 4320)
        return s

    def save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # settings are a convenience: never stop the game for them
