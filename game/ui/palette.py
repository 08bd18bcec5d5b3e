"""Colours: a dark situation-room palette built on Okabe–Ito (colour-blind safe by default).

Danger is amber then vermillion (never red against green); calm is bluish green and sky blue.
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO: dict[str, Colour] = {
    "black": (0, 0, 0),
    "orange": (230, 159, 0),
    "sky_blue": (86, 180, 233),
    "bluish_green": (0, 158, 115),
    "yellow": (240, 228, 66),
    "blue": (0, 114, 178),
    "vermillion": (213, 94, 0),
    "reddish_purple": (204, 121, 167),
}


@dataclass(frozen=True)
class Palette:
    name: str
    bg: Colour
    panel: Colour
    panel_hi: Colour
    edge: Colour
    text: Colour
    dim: Colour
    faint: Colour
    accent: Colour
    calm: Colour
    caution: Colour
    danger: Colour
    severe: Colour
    ocean: Colour
    ocean_grid: Colour
    land: Colour
    land_focus: Colour
    coast: Colour
    focus: Colour
    series: tuple[Colour, ...]

    def for_direction(self, higher_is: str, delta: float) -> Colour:
        """Colour of a change: escalatory rises and calming falls are warnings."""
        if abs(delta) < 1e-9 or higher_is == "neutral":
            return self.dim
        worse = (delta > 0) == (higher_is == "escalatory")
        return self.caution if worse else self.calm

    def risk(self, level: float) -> Colour:
        """0 (calm) .. 1 (severe) mapped to the danger ramp."""
        if level < 0.25:
            return self.calm
        if level < 0.5:
            return self.accent
        if level < 0.75:
            return self.caution
        return self.danger


OKABE = Palette(
    name="okabe_ito",
    bg=(12, 16, 22),
    panel=(22, 28, 37),
    panel_hi=(32, 41, 54),
    edge=(52, 64, 80),
    text=(226, 232, 238),
    dim=(172, 182, 194),
    faint=(140, 150, 164),  # the faintest text still reads at 4.5:1 on every panel
    accent=OKABE_ITO["sky_blue"],
    # bluish green and vermillion a shade lighter, so that text in them reads at 4.5:1
    calm=(0, 175, 128),
    caution=OKABE_ITO["orange"],
    danger=(236, 112, 30),
    severe=OKABE_ITO["reddish_purple"],
    ocean=(14, 30, 46),
    ocean_grid=(24, 44, 64),
    land=(44, 52, 60),
    land_focus=(66, 72, 66),
    coast=(96, 112, 124),
    focus=OKABE_ITO["yellow"],
    series=(
        OKABE_ITO["sky_blue"],
        OKABE_ITO["orange"],
        OKABE_ITO["bluish_green"],
        OKABE_ITO["reddish_purple"],
        OKABE_ITO["yellow"],
        OKABE_ITO["blue"],
        OKABE_ITO["vermillion"],
    ),
)

# Not colour-blind safe: classic green/amber/red, for players who prefer it.
CLASSIC = Palette(
    name="classic",
    bg=(10, 12, 14),
    panel=(24, 28, 30),
    panel_hi=(36, 42, 44),
    edge=(60, 70, 72),
    text=(232, 236, 232),
    dim=(172, 180, 172),
    faint=(146, 156, 150),
    accent=(120, 190, 255),
    calm=(80, 200, 100),
    caution=(255, 190, 40),
    danger=(245, 95, 85),
    severe=(225, 95, 185),
    ocean=(12, 28, 40),
    ocean_grid=(22, 42, 58),
    land=(46, 54, 48),
    land_focus=(70, 80, 64),
    coast=(100, 116, 104),
    focus=(255, 230, 80),
    series=((120, 190, 255), (255, 190, 40), (80, 200, 100), (235, 60, 50), (200, 120, 255)),
)

PALETTES = {p.name: p for p in (OKABE, CLASSIC)}
PALETTE_LABELS = {"okabe_ito": "Okabe–Ito (colour-blind safe)", "classic": "Classic red/green"}


def get(name: str) -> Palette:
    return PALETTES.get(name, OKABE)


def hex_colour(text: str, default: Colour = (200, 200, 200)) -> Colour:
    try:
        t = text.lstrip("#")
        return (int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16))
    except (ValueError, IndexError):
        return default


def mix(a: Colour, b: Colour, t: float) -> Colour:
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def luminance(c: Colour) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def contrast(a: Colour, b: Colour) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
