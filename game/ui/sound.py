"""A few synthesised cues (no sound files). No audio device means silence, never a crash."""

from __future__ import annotations

import numpy as np

from game.ui.pg import pygame


class Sound:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.ok = False
        self._cues: dict[str, object] = {}
        try:
            pygame.mixer.init(frequency=22050, size=-16, channels=1, buffer=512)
            self.ok = pygame.mixer.get_init() is not None
        except (pygame.error, OSError, NotImplementedError):
            self.ok = False
        if self.ok:
            try:
                self._cues = {
                    "tick": self._tone(1800, 0.03, 0.25),
                    "commit": self._tone(220, 0.18, 0.35, slide=0.7),
                    "alert": self._tone(660, 0.22, 0.3, slide=1.3),
                }
            except Exception:
                self.ok = False

    def _tone(self, freq: float, secs: float, vol: float, slide: float = 1.0) -> object:
        init = pygame.mixer.get_init()
        assert init is not None, "the mixer is not initialised"
        rate, _, channels = init
        n = int(rate * secs)
        t = np.arange(n) / rate
        f = freq * np.linspace(1.0, slide, n)
        wave = np.sin(2 * np.pi * np.cumsum(f) / rate) * np.exp(-t / (secs / 3)) * vol
        data = (wave * 32767).astype(np.int16)
        if channels > 1:
            data = np.repeat(data[:, None], channels, axis=1)
        return pygame.sndarray.make_sound(np.ascontiguousarray(data))

    def play(self, name: str) -> None:
        if not (self.enabled and self.ok):
            return
        cue = self._cues.get(name)
        try:
            if cue is not None:
                cue.play()  # type: ignore[attr-defined]
        except pygame.error:
            pass
