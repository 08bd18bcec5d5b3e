"""Player settings, kept as JSON in the data directory."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SIZES = [(800, 600), (1024, 768), (1280, 720), (1600, 900), (1920, 1080)]
TEXT_SCALES = [0.9, 1.0, 1.15, 1.3]


@dataclass
class Settings:
    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    text_scale: float = 1.0
    palette: str = "okabe_ito"
    sound: bool = True
    language: str = ""  # "" follows the system (see game.i18n.choose); else "en", "es"...

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        kept = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        try:
            s = cls(**kept)
        except TypeError:
            return cls()
        if not isinstance(s.language, str):
            s.language = ""
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
