"""Scenes and the scene stack.

Lifecycle (as in Tuxemon's state manager): pushing a scene pauses the one
below, popping shuts the top down and resumes the next. ``handle_event``
returns ``None`` when it consumed the event, or the event to let the app handle
it (Esc for the menu, F1 for help). ``draw`` never changes game state.

Every scene keeps its widgets in ``self.elements`` and rebuilds them in
``recreate_ui`` (on resize or text-size change). Keyboard focus is a ring of
``Focusable`` items: Tab / Shift+Tab / arrows move it, Enter or Space activates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pygame_gui
from pygame_gui.core import UIElement

from game.ui import draw
from game.ui.palette import Colour
from game.ui.pg import pygame

if TYPE_CHECKING:
    from game.ui.app import App

E = TypeVar("E", bound=UIElement)


@dataclass
class Focusable:
    name: str
    rect: Callable[[], pygame.Rect | pygame.FRect]
    activate: Callable[[], object]
    left: Callable[[], object] | None = None
    right: Callable[[], object] | None = None
    enabled: Callable[[], bool] = lambda: True
    on_focus: Callable[[], None] | None = None


class Scene:
    name = "scene"
    overlay = False  # draw the scene below first (menus, help)
    pausable = True  # Esc opens the pause menu
    esc_closes = False  # Esc (with no text box focused) closes the scene: ``close()``
    title = ""

    def __init__(self, app: App) -> None:
        self.app = app
        self.elements: list[UIElement] = []
        self.entries: dict[str, pygame_gui.elements.UITextEntryLine] = {}
        self.actions: dict[UIElement, Callable[[], object]] = {}
        self.focusables: list[Focusable] = []
        self.focus_index = -1
        self.paused = False
        self.alive = True
        self.keyboard_mode = False
        self.under: pygame.Surface | None = None  # an overlay: the frame it opened over

    # ---- lifecycle
    def startup(self) -> None:
        self.build_ui()

    def pause(self) -> None:
        self.paused = True
        for e in self.elements:
            e.hide()

    def resume(self) -> None:
        self.paused = False
        for e in self.elements:
            e.show()

    def shutdown(self) -> None:
        self.alive = False
        self.clear_ui()

    # ---- widgets
    def clear_ui(self) -> None:
        for e in self.elements:
            e.kill()
        self.elements.clear()
        self.entries.clear()
        self.actions.clear()
        self.focusables.clear()

    def build_ui(self) -> None:
        """Create widgets for the current window size."""

    def recreate_ui(self) -> None:
        name = self.focused_name()
        self.clear_ui()
        self.build_ui()
        if name is not None:
            self.focus_named(name)
        if self.paused:
            for e in self.elements:
                e.hide()

    def button(
        self,
        rect: pygame.Rect,
        text: str,
        action: Callable[[], object],
        object_id: str,
        tooltip: str | None = None,
        cls: str = "@menu_button",
        focus: bool = True,
        enabled: bool = True,
    ) -> pygame_gui.elements.UIButton:
        b = pygame_gui.elements.UIButton(
            rect,
            text,
            manager=self.app.manager,
            tool_tip_text=tooltip,
            object_id=pygame_gui.core.ObjectID(object_id=f"#{object_id}", class_id=cls),
        )
        if not enabled:
            b.disable()
        self.elements.append(b)
        self.actions[b] = action
        if focus:
            self.focusables.append(
                Focusable(
                    object_id,
                    b.get_abs_rect,
                    action,
                    enabled=lambda: bool(b.is_enabled),
                )
            )
        return b

    def label_for(self, rect: pygame.Rect, *texts: str, size: int = 17) -> str:
        """The first of ``texts`` (longest first) that fits a button of ``rect`` whole, at
        the theme's ``size`` scaled by the text setting; else the last."""
        t = self.app.text
        for text in texts:
            if t.width(text, t.px(size), "bold") <= rect.width - 16:
                return text
        return texts[-1]

    def add(self, element: E) -> E:
        self.elements.append(element)
        return element

    def text_entry(
        self,
        name: str,
        rect: pygame.Rect,
        text: str = "",
        limit: int | None = None,
        object_id: str | None = None,
        ring: bool = True,
    ) -> pygame_gui.elements.UITextEntryLine:
        """A one-line text box, kept in ``self.entries[name]``; ``ring``: in the focus ring."""
        e = self.add(
            pygame_gui.elements.UITextEntryLine(
                rect, manager=self.app.manager, object_id=f"#{object_id or name}"
            )
        )
        if limit is not None:
            e.length_limit = limit
        if text:
            e.set_text(text)
        self.entries[name] = e
        if ring:
            self.focusables.append(Focusable(name, e.get_abs_rect, e.focus))
        return e

    def focused_entry(self) -> str | None:
        """The name of the text box being typed into, if any."""
        return next((n for n, e in self.entries.items() if e.is_focused), None)

    def entry_done(self, name: str) -> None:
        """Enter in the text box ``name``: by default, on to the next item."""
        self.entries[name].unfocus()
        self.move_focus(1)

    def close(self) -> None:
        """What Esc does when ``esc_closes``: back to the scene below."""
        self.app.pop()

    # ---- focus
    def focused(self) -> Focusable | None:
        if 0 <= self.focus_index < len(self.focusables):
            return self.focusables[self.focus_index]
        return None

    def focused_name(self) -> str | None:
        f = self.focused()
        return f.name if f else None

    def focus_named(self, name: str) -> bool:
        for i, f in enumerate(self.focusables):
            if f.name == name:
                self.set_focus(i)
                return True
        return False

    def set_focus(self, i: int) -> None:
        self.focus_index = i
        f = self.focused()
        if f is not None and f.on_focus is not None:
            f.on_focus()

    def move_focus(self, step: int) -> None:
        n = len(self.focusables)
        if not n:
            return
        i = self.focus_index if self.focus_index >= 0 else (-1 if step > 0 else 0)
        for _ in range(n):
            i = (i + step) % n
            if self.focusables[i].enabled():
                self.set_focus(i)
                return

    # ---- events
    def handle_event(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            name = next((n for n, e in self.entries.items() if e is event.ui_element), None)
            if name is not None:
                self.entry_done(name)
                return None
            return event
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            action = self.actions.get(event.ui_element)
            if action is not None:
                self.keyboard_mode = False
                action()
                return None
            return event
        if event.type == pygame.KEYDOWN:
            return self.handle_key(event)
        if event.type == pygame.MOUSEMOTION:
            self.keyboard_mode = False
        return event

    def handle_key(self, event: pygame.event.Event) -> pygame.event.Event | None:
        key = event.key
        typing = self.focused_entry()
        if typing is not None:
            if key in (pygame.K_TAB, pygame.K_ESCAPE):
                self.entries[typing].unfocus()  # Esc leaves the box, Tab moves on
            if key != pygame.K_TAB:
                return None  # typed into the box
        elif key == pygame.K_ESCAPE and self.esc_closes:
            self.close()
            return None
        if key == pygame.K_TAB:
            self.keyboard_mode = True
            self.move_focus(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            return None
        if key in (pygame.K_DOWN, pygame.K_UP) and self.focusables:
            self.keyboard_mode = True
            self.move_focus(1 if key == pygame.K_DOWN else -1)
            return None
        f = self.focused()
        if f is not None and key in (pygame.K_LEFT, pygame.K_RIGHT):
            fn = f.left if key == pygame.K_LEFT else f.right
            if fn is not None:
                fn()
                return None
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            if f is not None and f.enabled():
                self.keyboard_mode = True
                f.activate()
                return None
            return self.default_action(event)
        return event

    def default_action(self, event: pygame.event.Event) -> pygame.event.Event | None:
        """Enter with nothing focused."""
        return event

    # ---- frame
    def panel(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        title: str = "",
        right: str = "",
        accent: Colour | None = None,
    ) -> pygame.Rect:
        """A panel with its header (``draw.panel``); returns the content rect."""
        return draw.panel(
            surface, rect, self.app.palette, self.app.text, title, accent=accent, right=right
        )

    def header_height(self) -> int:
        """A panel header's height with its gap, for layouts that frame a menu."""
        return draw.header_height(self.app.text)

    def update(self, dt: float) -> None:
        """Advance animations, poll futures."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw under the widgets."""

    def draw_over(self, surface: pygame.Surface) -> None:
        """Draw above the widgets: focus ring, tooltips."""
        f = self.focused()
        if f is not None and (self.keyboard_mode or self.always_show_focus()):
            r = f.rect().inflate(6, 6)
            pygame.draw.rect(surface, self.app.palette.focus, r, 2, border_radius=6)

    def always_show_focus(self) -> bool:
        return True

    # ---- for tests and tools
    def labels(self) -> list[str]:
        """Texts the scene shows (widget texts and the main drawn labels)."""
        out = []
        for e in self.elements:
            t = getattr(e, "text", None)
            if isinstance(t, str) and e.visible:
                out.append(t)
        return out

    def element_rects(self) -> dict[str, pygame.Rect]:
        """Every visible leaf element's rect, by name (checked for fit and overlap)."""
        out = {}
        for i, e in enumerate(self.elements):
            if e.visible:
                oid = e.most_specific_combined_id.split(".")[-1]
                out[f"{oid}:{i}"] = pygame.Rect(e.get_abs_rect())
        return out

    def button_named(self, name: str) -> UIElement | None:
        for e in self.elements:
            if e.most_specific_combined_id.split(".")[-1] == f"#{name}":
                return e
        return None
