"""The game's scenes: title, setup, briefing, situation room, resolution, end, overlays."""
