"""Class codes for duplicate mode: one short text that fixes a classroom game.

A class code carries the seed, the scenario (a readable prefix of its id and
the first 30 bits of its sha256), and the settings that change the game: the
turn timer, the computer's difficulty (``AISettings.temperature_scale``) and
which sides are played by people. Every machine given the same code starts the
same game, and with the same moves gets the same turns.

Layout: ``PREFIX-XXXX-XXXX-XXXX-XXXX``. The prefix comes from the scenario id
(``missiles-1962`` -> ``MIS62``, ``mini`` -> ``MINI``). The rest is Crockford
base32 (digits and capitals without I, L, O, U; typing ``O`` for ``0`` or ``I``/``L``
for ``1``, lower case, spaces and extra hyphens are all accepted) of one integer:

    bits 0-1   format version (1)
    bits 2-4   difficulty: index into SCALES
    bits 5-12  timer in units of 5 seconds (0 = off, at most 1275 s)
    bits 13-20 people: bit a set when actor a (scenario order) is played by a team
    bits 21-50 scenario fingerprint: the top 30 bits of its sha256
    bits 51-   seed

followed by one Luhn mod 32 check character, which catches every single mistyped
character and most swaps of two neighbours. Groups are padded with leading zeros
to a multiple of four characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from game.i18n import _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_VALUE |= {"O": 0, "I": 1, "L": 1}
VERSION = 1
SCALES = (1.0, 2.0, 0.5, 1.5, 0.75, 3.0, 0.25, 4.0)
TIMER_STEP = 5
TIMER_MAX = 255 * TIMER_STEP
MAX_PEOPLE_ACTORS = 8
_FIXED_BITS = 51


class ClassCodeError(ValueError):
    """A class code that cannot be read (typo, wrong scenario, unsupported settings)."""


@dataclass(frozen=True)
class ClassCode:
    prefix: str
    seed: int
    fingerprint: int  # top 30 bits of the scenario's sha256
    timer: int  # seconds per team, 0 = off
    temperature_scale: float
    people: tuple[int, ...]  # actor indices (scenario order) played by teams

    @property
    def text(self) -> str:
        return encode(self)

    def matches(self, sha256: str) -> bool:
        return fingerprint(sha256) == self.fingerprint


def prefix_for(scenario_id: str) -> str:
    """A short readable prefix from a scenario id: ``missiles-1962`` -> ``MIS62``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", scenario_id) if p]
    alpha = next((p for p in parts if not p.isdigit()), "")
    letters = re.sub(r"[^A-Za-z]", "", alpha).upper()
    digits = next((p for p in parts if p.isdigit()), "")
    out = letters[:3] + digits[-2:] if digits else letters[:5]
    return out or "GAME"


def fingerprint(sha256: str) -> int:
    return int(sha256[:8], 16) >> 2


def _luhn(values: Sequence[int]) -> int:
    """The Luhn mod 32 check value for ``values``."""
    factor, total = 2, 0
    for v in reversed(values):
        addend = factor * v
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return (32 - total % 32) % 32


def _luhn_ok(values: Sequence[int]) -> bool:
    factor, total = 1, 0
    for v in reversed(values):
        addend = factor * v
        factor = 2 if factor == 1 else 1
        total += addend // 32 + addend % 32
    return total % 32 == 0


def scale_index(scale: float) -> int:
    for i, s in enumerate(SCALES):
        if abs(s - float(scale)) < 1e-9:
            return i
    raise ClassCodeError(
        _(
            "a class code cannot carry the difficulty ×{scale} (it can: {scales})",
            scale=f"{scale:g}",
            scales=", ".join(f"×{s:g}" for s in SCALES),
        )
    )


def make(
    scenario_id: str,
    sha256: str,
    seed: int,
    timer: int,
    temperature_scale: float,
    people: Sequence[int],
) -> ClassCode:
    """A class code's fields, checked (``ClassCodeError`` when they do not fit a code)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ClassCodeError(_("a class code needs a seed of 0 or more, got {seed!r}", seed=seed))
    if timer % TIMER_STEP or not 0 <= timer <= TIMER_MAX:
        raise ClassCodeError(
            _(
                "a class code carries a timer of 0-{most} s in steps of {step} s, got {timer}",
                most=TIMER_MAX,
                step=TIMER_STEP,
                timer=timer,
            )
        )
    scale_index(temperature_scale)
    bad = [a for a in people if not 0 <= a < MAX_PEOPLE_ACTORS]
    if bad:
        raise ClassCodeError(
            _("a class code can name teams for the first {n} actors only", n=MAX_PEOPLE_ACTORS)
        )
    return ClassCode(
        prefix_for(scenario_id),
        int(seed),
        fingerprint(sha256),
        int(timer),
        float(temperature_scale),
        tuple(sorted(set(people))),
    )


def encode(code: ClassCode) -> str:
    mask = sum(1 << a for a in code.people)
    n = VERSION
    n |= scale_index(code.temperature_scale) << 2
    n |= (code.timer // TIMER_STEP) << 5
    n |= mask << 13
    n |= code.fingerprint << 21
    n |= code.seed << _FIXED_BITS
    digits: list[int] = []
    while n:
        digits.append(n % 32)
        n //= 32
    digits.reverse()
    width = max(len(digits) + 1, 12)
    width += -width % 4
    digits = [0] * (width - 1 - len(digits)) + digits
    digits.append(_luhn(digits))
    body = "".join(ALPHABET[d] for d in digits)
    groups = [body[i : i + 4] for i in range(0, len(body), 4)]
    return "-".join([code.prefix, *groups])


def decode(text: str) -> ClassCode:
    """Read a class code as typed (case, spaces, hyphens, O/0 and I/L/1 forgiven)."""
    raw = str(text).strip().upper().replace(" ", "")
    if "-" not in raw:
        raise ClassCodeError(
            _(
                "a class code looks like VEN25-XXXX-XXXX-XXXX-XXXX: the part before the first "
                "hyphen names the scenario"
            )
        )
    prefix, _sep, rest = raw.partition("-")
    rest = rest.replace("-", "")
    if not prefix or not re.fullmatch(r"[A-Z0-9]+", prefix):
        raise ClassCodeError(
            _("the class code should start with the scenario's name, got {prefix!r}", prefix=prefix)
        )
    bad = sorted({ch for ch in rest if ch not in _VALUE})
    if bad:
        raise ClassCodeError(
            _(
                "a class code has only digits and capital letters (no U); found {bad!r}",
                bad="".join(bad),
            )
        )
    if len(rest) < 12:
        raise ClassCodeError(_("this class code is too short: a character is missing"))
    values = [_VALUE[ch] for ch in rest]
    if not _luhn_ok(values):
        raise ClassCodeError(
            _(
                "this class code has a typo (its check character does not match): "
                "compare it character by character with the one on the board"
            )
        )
    n = 0
    for v in values[:-1]:
        n = n * 32 + v
    version = n & 0b11
    if version != VERSION:
        raise ClassCodeError(
            _(
                "this class code is from another version of the game (code format {version})",
                version=version,
            )
        )
    scale_i = (n >> 2) & 0b111
    timer = ((n >> 5) & 0xFF) * TIMER_STEP
    mask = (n >> 13) & 0xFF
    fp = (n >> 21) & ((1 << 30) - 1)
    seed = n >> _FIXED_BITS
    people = tuple(a for a in range(MAX_PEOPLE_ACTORS) if mask >> a & 1)
    return ClassCode(prefix, seed, fp, timer, SCALES[scale_i], people)
