"""Rectangles for every panel, computed from the window size alone (unit-testable).

Each function returns a dict of named ``pygame.Rect``; lists of rects (cards,
buttons) are stored under ``name[i]`` keys as well, so a test can check that
every rect lies inside the window and that none overlaps another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from game.i18n import N_
from game.ui.pg import pygame

Rect = pygame.Rect


def _clamp(v: float, lo: float, hi: float) -> int:
    return round(min(max(v, lo), hi))


def margin(size: tuple[int, int]) -> int:
    return _clamp(min(size) / 90, 6, 14)


def top_bar(size: tuple[int, int]) -> Rect:
    w, h = size
    return Rect(0, 0, w, _clamp(h * 0.065, 34, 56))


def grid(area: Rect, n: int, cols: int, gap: int) -> list[Rect]:
    """``n`` equal cells filling ``area`` row by row."""
    if n <= 0:
        return []
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    cw = (area.width - gap * (cols - 1)) // cols
    ch = (area.height - gap * (rows - 1)) // rows
    return [
        Rect(area.x + (i % cols) * (cw + gap), area.y + (i // cols) * (ch + gap), cw, ch)
        for i in range(n)
    ]


def column(area: Rect, heights: list[int], gap: int) -> list[Rect]:
    """Stack rects of given heights from the top of ``area``; a height of 0 takes the rest."""
    fixed = sum(h for h in heights if h > 0) + gap * (len(heights) - 1)
    flex = [i for i, h in enumerate(heights) if h <= 0]
    rest = max(0, area.height - fixed)
    out, y = [], area.y
    for _i, h in enumerate(heights):
        hh = h if h > 0 else rest // max(1, len(flex))
        out.append(Rect(area.x, y, area.width, hh))
        y += hh + gap
    return out


def card_columns(area: Rect, n: int, gap: int) -> int:
    """Columns for ``n`` option cards: tall enough to read (~44 px), wide enough for a name."""
    best, best_score = 1, -1.0
    for cols in range(1, 5):
        rows = math.ceil(max(n, 1) / cols)
        h = (area.height - gap * (rows - 1)) / rows
        w = (area.width - gap * (cols - 1)) / cols
        score = min(h / 46, 1.0) * min(w / 210, 1.0)
        if score > best_score + 1e-6:
            best, best_score = cols, score
    return best


def room(size: tuple[int, int], n_options: int, text_scale: float = 1.0) -> dict[str, Rect]:
    """The situation room: top bar, metrics + ladder | map + option cards | what-if,
    advisors, news, commit. Larger text (``text_scale``) takes room from the map."""
    w, h = size
    m = margin(size)
    top = top_bar(size)
    body = Rect(m, top.bottom + m, w - 2 * m, h - top.bottom - 2 * m)
    grow = max(0.0, text_scale - 1.0)
    left_w = _clamp(w * (0.22 + 0.06 * grow), 180, 380 + 200 * grow)
    right_w = _clamp(w * (0.27 + 0.08 * grow), 220, 460 + 240 * grow)
    centre_w = body.width - left_w - right_w - 2 * m
    left = Rect(body.x, body.y, left_w, body.height)
    centre = Rect(left.right + m, body.y, centre_w, body.height)
    right = Rect(centre.right + m, body.y, right_w, body.height)

    ladder_h = _clamp(body.height * 0.30, 120, 250)
    metrics, ladder = column(left, [0, ladder_h], m)

    map_h = round(centre.height * (0.56 if h >= 700 else 0.5) / (1 + 1.2 * grow))
    map_r, cards_area = column(centre, [map_h, 0], m)

    commit_h = _clamp(h * 0.075, 36, 60)
    fc_h = _clamp(body.height * 0.40 * (1 + 0.3 * grow), 150, 400 + 300 * grow)
    adv_h = _clamp(body.height * 0.25, 96, 300)
    forecast, advisors, news, commit = column(right, [fc_h, adv_h, 0, commit_h], m)

    out = {
        "top": top,
        "metrics": metrics,
        "ladder": ladder,
        "map": map_r,
        "cards": cards_area,
        "forecast": forecast,
        "advisors": advisors,
        "news": news,
        "commit": commit,
    }
    gap = max(4, m // 2)
    cols = card_columns(cards_area, n_options, gap)
    for i, r in enumerate(grid(cards_area, n_options, cols, gap)):
        out[f"card[{i}]"] = r
    # the top bar's own pieces: menu button at the right
    bw = _clamp(w * 0.08, 70, 120)
    out["menu_button"] = Rect(w - bw - m, top.y + 5, bw, top.height - 10)
    return out


def menu(size: tuple[int, int], n: int, title: bool = True, head: int = 0) -> dict[str, Rect]:
    """A centred column of ``n`` buttons under a title block; with ``head`` (a panel
    header's height) also the ``frame`` of a titled panel around the buttons."""
    w, h = size
    m = margin(size)
    bw = _clamp(w * 0.3, 220, 420)
    bh = _clamp(h * 0.07, 34, 56)
    gap = _clamp(bh * 0.3, 6, 16)
    title_h = _clamp(h * 0.28, 90, 300) if title else 0
    total = title_h + n * bh + (n - 1) * gap
    y0 = max(m, (h - total) // 2)
    out = {"title": Rect((w - bw * 2) // 2, y0, bw * 2, title_h)} if title else {}
    y = y0 + title_h
    for i in range(n):
        out[f"button[{i}]"] = Rect((w - bw) // 2, y, bw, bh)
        y += bh + gap
    out["panel"] = Rect(
        (w - bw) // 2 - 2 * m, y0 + title_h - 2 * m, bw + 4 * m, y - gap - (y0 + title_h) + 4 * m
    )
    if head:
        frame = out["panel"].inflate(0, head * 2 + 8)
        frame.bottom = out["panel"].bottom + 4
        out["frame"] = frame
    return out


def form(size: tuple[int, int], n_rows: int, n_buttons: int) -> dict[str, Rect]:
    """Setup / settings: a header, rows of label + control, then a row of buttons."""
    w, h = size
    m = margin(size)
    top = top_bar(size)
    # in a small window the form takes more of it: a choice's name whole at 130% text
    width = _clamp(w * 0.62, min(760, w - 2 * m) if w >= 640 else w - 2 * m, 980)
    x = (w - width) // 2
    row_h = _clamp(h * 0.075, 34, 60)
    gap = _clamp(row_h * 0.25, 6, 14)
    label_w = round(width * 0.34)
    out = {"top": top}
    y = top.bottom + 2 * m
    for i in range(n_rows):
        out[f"label[{i}]"] = Rect(x, y, label_w - m, row_h)
        out[f"control[{i}]"] = Rect(x + label_w, y, width - label_w, row_h)
        y += row_h + gap
    out["info"] = Rect(x, y, width, max(0, h - y - row_h - 4 * m))
    bw = (width - (n_buttons - 1) * m) // max(1, n_buttons)
    by = h - row_h - 2 * m
    for i in range(n_buttons):
        out[f"button[{i}]"] = Rect(x + i * (bw + m), by, bw, row_h)
    out["info"].height = max(0, by - m - out["info"].y)
    return out


def briefing(size: tuple[int, int]) -> dict[str, Rect]:
    w, h = size
    m = margin(size)
    top = top_bar(size)
    bh = _clamp(h * 0.075, 36, 60)
    body = Rect(m, top.bottom + m, w - 2 * m, h - top.bottom - bh - 3 * m)
    left_w = round(body.width * 0.58)
    text = Rect(body.x, body.y, left_w, body.height)
    side = Rect(text.right + m, body.y, body.width - left_w - m, body.height)
    objectives, facts = column(side, [round(side.height * 0.38), 0], m)
    bw = _clamp(w * 0.2, 160, 320)
    return {
        "top": top,
        "text": text,
        "objectives": objectives,
        "facts": facts,
        "button[0]": Rect(m, h - bh - m, bw, bh),
        "button[1]": Rect(w - bw - m, h - bh - m, bw, bh),
    }


def resolution(size: tuple[int, int]) -> dict[str, Rect]:
    w, h = size
    m = margin(size)
    top = top_bar(size)
    bh = _clamp(h * 0.075, 36, 60)
    body = Rect(m, top.bottom + m, w - 2 * m, h - top.bottom - bh - 3 * m)
    left_w = round(body.width * 0.40)
    left = Rect(body.x, body.y, left_w, body.height)
    right = Rect(left.right + m, body.y, body.width - left_w - m, body.height)
    moves, events = column(left, [_clamp(left.height * 0.28, 80, 200), 0], m)
    why, odds = column(right, [0, _clamp(right.height * 0.30, 90, 240)], m)
    bw = _clamp(w * 0.22, 180, 340)
    return {
        "top": top,
        "moves": moves,
        "events": events,
        "why": why,
        "odds": odds,
        "button[0]": Rect(w - bw - m, h - bh - m, bw, bh),
    }


def end(size: tuple[int, int], n_buttons: int) -> dict[str, Rect]:
    w, h = size
    m = margin(size)
    top = top_bar(size)
    bh = _clamp(h * 0.075, 36, 60)
    body = Rect(m, top.bottom + m, w - 2 * m, h - top.bottom - bh - 3 * m)
    head, mid, timeline = column(
        body, [_clamp(body.height * 0.2, 70, 180), round(body.height * 0.46), 0], m
    )
    verdict, odds = split_row(mid, 0.56, m)
    out = {"top": top, "headline": head, "verdict": verdict, "odds": odds, "timeline": timeline}
    bw = min(_clamp(w * 0.2, 150, 300), (w - (n_buttons + 1) * m) // max(1, n_buttons))
    x0 = (w - (n_buttons * bw + (n_buttons - 1) * m)) // 2
    for i in range(n_buttons):
        out[f"button[{i}]"] = Rect(x0 + i * (bw + m), h - bh - m, bw, bh)
    return out


def inside(rects: Iterable[Rect], size: tuple[int, int]) -> list[Rect]:
    """Rects that stick out of the window (empty when all are inside)."""
    win = Rect(0, 0, *size)
    return [r for r in rects if not win.contains(r)]


def overlaps(
    named: dict[str, Rect], ignore: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Pairs of named rects that overlap (containers vs their contents are the caller's call)."""
    skip = {frozenset(p) for p in ignore}
    items = list(named.items())
    bad = []
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1 :]:
            if frozenset((a, b)) in skip:
                continue
            if ra.width and ra.height and rb.width and rb.height and ra.colliderect(rb):
                bad.append((a, b))
    return bad


def load_list(size: tuple[int, int], head: int, n: int) -> dict[str, Rect]:
    """The Load box: a page of save rows (each with its delete button), then a row of
    paging and back buttons (``load_rows``: how many rows a page holds)."""
    w = size[0]
    m = margin(size)
    box, inner, bh, rows = _load_box(size, head)
    out = {"panel": box}
    dw = _clamp(w * 0.08, 70, 110)
    for i in range(min(n, rows)):
        y = inner.y + i * (bh + m // 2)
        out[f"row[{i}]"] = Rect(inner.x, y, inner.width - dw - m, bh)
        out[f"delete[{i}]"] = Rect(inner.right - dw, y, dw, bh)
    bw = (inner.width - 2 * m) // 3
    for k in range(3):
        out[f"button[{k}]"] = Rect(inner.x + k * (bw + m), inner.bottom - bh, bw, bh)
    return out


def _load_box(size: tuple[int, int], head: int) -> tuple[Rect, Rect, int, int]:
    h = size[1]
    m = margin(size)
    # up to 1400 wide: a whole label in large print on a large screen
    box = centred_box(size, 0.7, 0.86, (560, 420), (1400, 900))
    bh = _clamp(h * 0.06, 32, 52)
    inner = Rect(box.x + 2 * m, box.y + head + m, box.width - 4 * m, box.height - head - 2 * m)
    rows = max(1, (inner.height - bh - m) // (bh + m // 2))
    return box, inner, bh, rows


def load_rows(size: tuple[int, int], head: int) -> int:
    """How many saves a page of the Load box holds."""
    return _load_box(size, head)[3]


def centred_box(size: tuple[int, int], w_share: float, h_share: float, min_wh, max_wh) -> Rect:
    w, h = size
    m = margin(size)
    bw = min(_clamp(w * w_share, min_wh[0], max_wh[0]), w - 2 * m)
    bh = min(_clamp(h * h_share, min_wh[1], max_wh[1]), h - 2 * m)
    return Rect((w - bw) // 2, (h - bh) // 2, bw, bh)


def forecast_panel(size: tuple[int, int], n: int) -> dict[str, Rect]:
    """The forecast panel: a title block, one row per outcome (name | slider | value),
    the "none of these" line, a message line and a row of three buttons."""
    m = margin(size)
    row_h = _clamp(size[1] * 0.055, 28, 44)
    head_h = _clamp(size[1] * 0.13, 64, 110)
    btn_h = _clamp(size[1] * 0.07, 34, 52)
    want = head_h + (n + 2) * (row_h + m // 2) + btn_h + 5 * m
    box = centred_box(size, 0.62, 1.0, (700, 200), (900, want))
    inner = box.inflate(-4 * m, -2 * m)
    out = {"panel": box, "head": Rect(inner.x, inner.y, inner.width, head_h)}
    y = inner.y + head_h
    avail = box.bottom - m - btn_h - m - y
    row_h = max(22, min(row_h, avail // max(1, n + 2) - 4))
    name_w = round(inner.width * (0.36 if inner.width >= 700 else 0.44))
    val_w = _clamp(inner.width * 0.12, 60, 110)
    for i in range(n):
        out[f"name[{i}]"] = Rect(inner.x, y, name_w - m, row_h)
        out[f"slider[{i}]"] = Rect(inner.x + name_w, y, inner.width - name_w - val_w - m, row_h)
        out[f"value[{i}]"] = Rect(inner.right - val_w, y, val_w, row_h)
        y += row_h + 4
    out["none"] = Rect(inner.x, y, inner.width, row_h)
    y += row_h + 4
    out["message"] = Rect(inner.x, y, inner.width, max(1, box.bottom - m - btn_h - m - y))
    bw = (inner.width - 2 * m) // 3
    by = box.bottom - m - btn_h
    for i in range(3):
        out[f"button[{i}]"] = Rect(inner.x + i * (bw + m), by, bw, btn_h)
    return out


# the console's row labels, in English for the catalog: translated when drawn
CONSOLE_ROWS = (
    N_("Game"),
    N_("Event"),
    N_("Metric"),
    N_("Inject"),
    N_("Lock"),
    N_("Timer"),
    N_("Lesson"),
)


def console(size: tuple[int, int]) -> dict[str, Rect]:
    """The teacher console: a title, six rows of label + controls, a status line, Close."""
    m = margin(size)
    box = centred_box(size, 0.8, 0.86, (770, 470), (1100, 760))
    inner = box.inflate(-4 * m, -2 * m)
    head_h = _clamp(size[1] * 0.07, 36, 56)
    btn_h = _clamp(size[1] * 0.06, 32, 48)
    status_h = _clamp(size[1] * 0.07, 30, 56)
    n = len(CONSOLE_ROWS)
    y0 = inner.y + head_h
    avail = inner.bottom - y0 - status_h - btn_h - 2 * m
    row_h = max(28, min(_clamp(size[1] * 0.065, 30, 50), avail // n - m // 2))
    gap = max(4, (avail - n * row_h) // max(1, n))
    gap = min(gap, 2 * m)
    label_w = _clamp(inner.width * 0.13, 70, 130)
    out = {"panel": box, "head": Rect(inner.x, inner.y, inner.width, head_h)}
    rows = []
    y = y0
    for i in range(n):
        out[f"label[{i}]"] = Rect(inner.x, y, label_w - m, row_h)
        rows.append(Rect(inner.x + label_w, y, inner.width - label_w, row_h))
        y += row_h + gap
    g = m

    def split(r: Rect, shares: list[float]) -> list[Rect]:
        total = r.width - g * (len(shares) - 1)
        out_r, x = [], r.x
        for k, s in enumerate(shares):
            w = round(total * s) if k < len(shares) - 1 else r.right - x
            out_r.append(Rect(x, r.y, w, r.height))
            x += w + g
        return out_r

    (
        out["pause"],
        out["reveal"],
        out["end_outcome"],
        out["end"],
    ) = split(rows[0], [0.17, 0.23, 0.42, 0.18])
    out["event"], out["fire"] = split(rows[1], [0.75, 0.25])
    out["metric"], out["value"], out["set_metric"] = split(rows[2], [0.55, 0.2, 0.25])
    out["inject"], out["send_inject"] = split(rows[3], [0.75, 0.25])
    out["lock_team"], out["lock"] = split(rows[4], [0.75, 0.25])
    (
        out["extend30"],
        out["extend60"],
        out["stop_timer"],
        out["timer_setting"],
    ) = split(rows[5], [0.2, 0.2, 0.28, 0.32])
    out["lesson_setting"], out["times_up"] = split(rows[6], [0.6, 0.4])
    out["status"] = Rect(inner.x, y, inner.width, max(1, inner.bottom - btn_h - m - y))
    bw = _clamp(inner.width * 0.3, 160, 300)
    out["close"] = Rect(inner.centerx - bw // 2, inner.bottom - btn_h, bw, btn_h)
    return out


def notice(size: tuple[int, int], width: int = 520, height: int = 110) -> Rect:
    """A small box in the middle of the window ("Resolving the turn…", "Paused")."""
    w, h = size
    box = Rect(0, 0, min(width, w - 40), height)
    box.center = (w // 2, h // 2)
    return box


def button_at_foot(
    size: tuple[int, int], width: int, height_share: float, lo: int, hi: int, lift: int
) -> Rect:
    """One wide button centred at the foot of the window, ``lift`` margins above the edge."""
    w, h = size
    m = margin(size)
    bw, bh = min(width, w - 4 * m), _clamp(h * height_share, lo, hi)
    return Rect((w - bw) // 2, h - bh - lift * m, bw, bh)


def class_code(size: tuple[int, int]) -> dict[str, Rect]:
    """The class code screen: the top bar and the button that starts the first go."""
    return {"top": top_bar(size), "begin": button_at_foot(size, 360, 0.075, 36, 56, 2)}


def handover(size: tuple[int, int]) -> dict[str, Rect]:
    """The hand-over screen: the top bar and the Ready button."""
    return {"top": top_bar(size), "ready": button_at_foot(size, 420, 0.08, 40, 60, 3)}


def dialog(size: tuple[int, int], width: int, height: int, n_buttons: int) -> dict[str, Rect]:
    """A centred box with a row of ``n_buttons`` 40 px buttons along its foot."""
    w, h = size
    m = margin(size)
    bw, bh = min(w - 40, width), min(h - 40, height)
    box = Rect((w - bw) // 2, (h - bh) // 2, bw, bh)
    out = {"panel": box}
    if n_buttons == 1:
        out["button[0]"] = Rect(box.centerx - 80, box.bottom - 52, 160, 40)
    else:
        cw = (bw - 10 * m) // 2
        out["button[0]"] = Rect(box.x + 4 * m, box.bottom - 52, cw, 40)
        out["button[1]"] = Rect(box.right - 4 * m - cw, box.bottom - 52, cw, 40)
    return out


def pin(size: tuple[int, int]) -> dict[str, Rect]:
    """The PIN prompt: a box, the masked entry, Cancel and Open."""
    out = dialog(size, 520, 250, 2)
    box, m = out["panel"], margin(size)
    out["entry"] = Rect(box.x + 4 * m, box.y + 70, box.width - 8 * m, 44)
    return out


def message(size: tuple[int, int]) -> dict[str, Rect]:
    """A message box with its OK button."""
    return dialog(size, 620, 280, 1)


def help_box(size: tuple[int, int], text_scale: float = 1.0) -> dict[str, Rect]:
    """How to play and the keys: a box, its Close button and (in a game) the tour's (as
    wide as large print needs, within the box)."""
    w, h = size
    m = margin(size)
    bw, bh = min(w - 4 * m, max(640, round(w * 0.6))), min(h - 4 * m, max(430, round(h * 0.8)))
    box = Rect((w - bw) // 2, (h - bh) // 2, bw, bh)
    b = min(round(200 * max(1.0, text_scale)), (bw - 3 * m) // 2)
    return {
        "panel": box,
        "button[0]": Rect(box.centerx + m // 2, box.bottom - 54, b, 40),
        "button[1]": Rect(box.centerx - m // 2 - b, box.bottom - 54, b, 40),
    }


def tour_width(size: tuple[int, int]) -> int:
    w = size[0]
    return min(w - 4 * margin(size), max(360, round(w * 0.3)))


def tour_box(size: tuple[int, int], target: Rect, need: int = 0) -> Rect:
    """The tour's text box: beside the panel it explains, inside the window; at least
    ``need`` high when the window has room (its text in large print)."""
    w, h = size
    m = margin(size)
    bw, bh = tour_width(size), min(h - 4 * m, max(200, round(h * 0.3), need))
    box = Rect(0, 0, bw, bh)
    for place in ("right", "left", "below", "above"):
        if place == "right":
            box.midleft = (target.right + 2 * m, target.centery)
        elif place == "left":
            box.midright = (target.x - 2 * m, target.centery)
        elif place == "below":
            box.midtop = (target.centerx, target.bottom + 2 * m)
        else:
            box.midbottom = (target.centerx, target.y - 2 * m)
        box = box.clamp(Rect(m, m, w - 2 * m, h - 2 * m))
        if not box.colliderect(target):
            return box
    return box.clamp(Rect(m, m, w - 2 * m, h - 2 * m))


def below_header(rect: Rect, head: int) -> Rect:
    """The part of a panel under its header of height ``head`` (a text box's place)."""
    return Rect(rect.x, rect.y + head, rect.width, rect.height - head)


def split_row(rect: Rect, share: float, gap: int) -> tuple[Rect, Rect]:
    """A row cut in two side by side: the left ``share`` of its width, then the rest."""
    left = Rect(rect.x, rect.y, round(rect.width * share), rect.height)
    return left, Rect(left.right + gap, rect.y, rect.width - left.width - gap, rect.height)
