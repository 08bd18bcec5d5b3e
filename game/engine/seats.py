"""Who plays each actor: a seat is plain data (it goes into the log as a dict)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from game.i18n import _, pgettext

SeatKind = Literal["human", "ai", "random", "fixed", "team", "scripted"]
KINDS: tuple[str, ...] = ("human", "ai", "random", "fixed", "team", "scripted")


@dataclass(frozen=True)
class Seat:
    """One player of an actor.

    - ``human``: a person commits a choice each turn;
    - ``team``: a human seat with a name (classroom teams; hot-seat);
    - ``ai``: the computer, by forecast and softmax (the actor's personality);
    - ``random``: uniformly random among the available options;
    - ``fixed``: always ``option`` (hold course when it is not available);
    - ``scripted``: a non-playable actor moving by the rules of its scenario script
      (never chosen by a player: the session gives it to every scripted actor).
    """

    kind: SeatKind = "human"
    option: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown seat kind {self.kind!r} (known: {', '.join(KINDS)})")
        if self.kind == "fixed" and not self.option:
            raise ValueError("a fixed seat needs an option")
        if self.kind == "team" and not self.name:
            raise ValueError("a team seat needs a name")

    @classmethod
    def human(cls, name: str | None = None) -> Seat:
        return cls("human", name=name)

    @classmethod
    def ai(cls) -> Seat:
        return cls("ai")

    @classmethod
    def random(cls) -> Seat:
        return cls("random")

    @classmethod
    def fixed(cls, option: str) -> Seat:
        return cls("fixed", option=option)

    @classmethod
    def team(cls, name: str) -> Seat:
        return cls("team", name=name)

    @property
    def waits(self) -> bool:
        """True if a person must commit (human and team seats)."""
        return self.kind in ("human", "team")

    @property
    def label(self) -> str:
        if self.kind == "team":
            return f"team {self.name}"
        if self.kind == "fixed":
            return f"always {self.option}"
        if self.kind == "human" and self.name:
            return f"human ({self.name})"
        return {"human": "human", "ai": "computer", "random": "random", "scripted": "scripted"}[
            self.kind
        ]

    @property
    def display(self) -> str:
        """``label`` as players read it, in the current language (``label`` is data)."""
        if self.kind == "team":
            return _("team {name}", name=self.name)
        if self.kind == "fixed":
            return _("always {option}", option=self.option)
        if self.kind == "human" and self.name:
            return _("human ({name})", name=self.name)
        if self.kind == "human":
            return _("human")
        if self.kind == "ai":
            return _("computer")
        if self.kind == "random":
            return pgettext("seat", "random")
        return _("scripted")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.option is not None:
            out["option"] = self.option
        if self.name is not None:
            out["name"] = self.name
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Seat:
        if not isinstance(d, dict) or not isinstance(d.get("kind"), str):
            raise ValueError(f"a seat must be a mapping with a 'kind', got {d!r}")
        extra = set(d) - {"kind", "option", "name"}
        if extra:
            raise ValueError(f"unknown seat field(s): {', '.join(sorted(extra))}")
        return cls(d["kind"], option=d.get("option"), name=d.get("name"))

    @classmethod
    def parse(cls, text: str) -> Seat:
        """Command-line form: ``human``, ``ai``, ``random``, ``team:NAME`` or an option id."""
        text = text.strip()
        if text in ("human", "ai", "random"):
            return cls(text)  # type: ignore[arg-type]
        if text.startswith("team:"):
            return cls.team(text[5:])
        if not text:
            raise ValueError("empty seat")
        return cls.fixed(text)


TEAM_NAME_MAX = 40


@dataclass(frozen=True)
class Team:
    """A classroom team playing ``actor`` (hot seat). Several teams on one actor take
    turns: the first plays turn 1, the second turn 2, and so on (``Session.team_for``)."""

    name: str
    actor: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("a team needs a name")
        if self.name != self.name.strip():
            raise ValueError(f"a team name cannot start or end with a space: {self.name!r}")
        if len(self.name) > TEAM_NAME_MAX:
            raise ValueError(f"a team name is at most {TEAM_NAME_MAX} characters: {self.name!r}")
        if not isinstance(self.actor, str) or not self.actor:
            raise ValueError(f"team {self.name!r} needs an actor")

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "actor": self.actor}

    @classmethod
    def from_dict(cls, d: object) -> Team:
        if not isinstance(d, dict) or set(d) != {"name", "actor"}:
            raise ValueError(f"a team must be a mapping with 'name' and 'actor', got {d!r}")
        return cls(str(d["name"]), str(d["actor"]))
