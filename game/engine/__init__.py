"""The game engine: sessions, seats, fog of war, AI, advisors, news, injects, saves.

No pygame here: the window, the terminal game, the tests and the classroom
report all drive this one engine (docs/architecture.md, "Engine API").
"""

from game.engine.ai import AISettings, Decision
from game.engine.classcode import ClassCodeError
from game.engine.saves import (
    SaveError,
    autosave_dir,
    branch_game,
    branch_session,
    data_dir,
    latest_autosave,
    load_game,
    read_save,
    replay_file,
    save_game,
    save_info,
)
from game.engine.seats import Seat, Team
from game.engine.session import EngineError, Session
from game.engine.views import (
    Advice,
    BranchResult,
    EventReport,
    MetricChange,
    MetricView,
    MoveReport,
    NewsItem,
    OptionView,
    PlayerView,
    SourcePart,
    TurnReport,
)

__all__ = [
    "AISettings",
    "Advice",
    "BranchResult",
    "ClassCodeError",
    "Decision",
    "EngineError",
    "EventReport",
    "MetricChange",
    "MetricView",
    "MoveReport",
    "NewsItem",
    "OptionView",
    "PlayerView",
    "SaveError",
    "Seat",
    "Session",
    "SourcePart",
    "Team",
    "TurnReport",
    "autosave_dir",
    "branch_game",
    "branch_session",
    "data_dir",
    "latest_autosave",
    "load_game",
    "read_save",
    "replay_file",
    "save_game",
    "save_info",
]
