"""Colours: a dark situation-room palette built on Okabe–Ito (colour-blind safe by default).

Danger is amber then vermillion (never red against green); calm is bluish green and sky blue.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.i18n import N_

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
    light: bool = False  # dark ink on a light ground (the widgets' theme follows)

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

# For lit rooms and projectors: dark ink on paper, the Okabe–Ito hues darkened where a
# light one would not stand out on white (colour-blind safe like OKABE).
LIGHT = Palette(
    name="light",
    bg=(244, 242, 236),
    panel=(255, 255, 255),
    panel_hi=(230, 236, 243),
    edge=(150, 160, 172),
    text=(17, 20, 26),
    dim=(62, 70, 82),
    # text colours dark enough for 4.5:1 on the paper, the panels and their headers
    faint=(96, 104, 114),
    accent=(0, 98, 156),
    calm=(0, 108, 78),
    caution=(146, 84, 0),
    danger=(180, 68, 0),
    severe=(150, 62, 116),
    ocean=(208, 226, 240),
    ocean_grid=(184, 206, 226),
    land=(228, 222, 206),
    land_focus=(238, 230, 196),
    coast=(112, 122, 134),
    focus=(0, 0, 0),
    series=(
        OKABE_ITO["blue"],
        OKABE_ITO["vermillion"],
        (0, 122, 88),
        (160, 70, 125),
        (176, 104, 0),
        (40, 130, 190),
        (0, 0, 0),
    ),
    light=True,
)

PALETTES = {p.name: p for p in (OKABE, CLASSIC, LIGHT)}
PALETTE_LABELS = {
    # names in English, for the catalog: the settings screen translates them when drawn
    "okabe_ito": N_("Okabe–Ito (colour-blind safe)"),
    "classic": N_("Classic red/green"),
    "light": N_("Light, for lit rooms (colour-blind safe)"),
}


def contrast(a: Colour, b: Colour) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def lum(c: Colour) -> float:
        def ch(v: int) -> float:
            x = v / 255
            return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def light_theme_colour(text: str) -> str:
    """A colour of the dark widget theme for the light palette: its lightness turned over
    (dark grounds become light, light ink dark), its hue kept."""
    import colorsys

    t = text.lstrip("#")
    if len(t) != 6:
        return text
    r, g, b = (int(t[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, l_, s = colorsys.rgb_to_hls(r, g, b)
    r2, g2, b2 = colorsys.hls_to_rgb(h, 1.0 - l_, s)
    return "#{:02X}{:02X}{:02X}".format(*(round(v * 255) for v in (r2, g2, b2)))


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
