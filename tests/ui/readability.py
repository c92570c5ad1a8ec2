"""Contrast as a reader sees it: every character on the screen, against its own background.

The screen is taken from Textual's compositor (what it would send to the terminal),
segment by segment; each segment's Rich style is resolved to RGB. Colours a theme
names as ANSI colours (a theme with ``ansi = true``) are shown by the terminal's own
palette, so those are resolved with reference palettes: xterm's and VGA's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.style import Style
from textual.app import App
from textual.geometry import Region
from textual.screen import ModalScreen

RGB = tuple[int, int, int]

# The 16 colours as xterm and the VGA (and most consoles after it) show them.
XTERM: list[RGB] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
    (255, 255, 255),
]  # fmt: skip
VGA: list[RGB] = [
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170),
    (85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255),
    (255, 255, 255),
]  # fmt: skip
PALETTES = {"xterm": XTERM, "vga": VGA}


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_text(char: str) -> bool:
    """Letters, digits, punctuation and marks; not spaces, box drawing, block elements
    (bars, scrollbars, the selection marker) or braille."""
    code = ord(char)
    graphic = 0x2500 <= code <= 0x259F or 0x2800 <= code <= 0x28FF or code >= 0x1F000  # emoji bring their colours
    return not char.isspace() and not graphic


@dataclass(frozen=True, slots=True)
class Cell:
    y: int
    x: int
    char: str
    ratio: float
    fg: RGB
    bg: RGB
    line: str

    def __str__(self) -> str:
        return f"line {self.y:>2} col {self.x:>2} {self.char!r} {self.ratio:.2f}:1 fg{self.fg} bg{self.bg}: {self.line}"


def _rgb(color: RichColor | None, palette: list[RGB], default: RGB) -> RGB:
    if color is None or color.type == ColorType.DEFAULT:
        return default
    if color.type in (ColorType.STANDARD, ColorType.WINDOWS) and color.number is not None:
        return palette[color.number]
    if color.type == ColorType.EIGHT_BIT and color.number is not None and color.number < 16:
        return palette[color.number]
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def rows(app: App[object]) -> list[list[tuple[str, Style | None]]]:
    """The screen as the terminal gets it: per line, (text, style) segments."""
    strips = app.screen._compositor.render_strips()
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def _in_view(app: App[object]) -> list[Region]:
    """Where text must be readable: the whole screen, or a dialog's own box (what a dialog
    dims behind it is out of use while it is open)."""
    screen = app.screen
    if isinstance(screen, ModalScreen):
        return [child.region for child in screen.children if child.display]
    return [screen.region]


# How Textual writes colours for each kind of terminal (Strip.render_ansi): a terminal of
# 256 colours (tmux's default TERM=tmux-256color, no COLORTERM) gets each RGB colour as the
# nearest of its palette's 6x6x6 cube or grey ramp, which can be a shade darker or lighter.
COLOR_SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT}


def _as_sent(color: RichColor | None, system: ColorSystem) -> RichColor | None:
    return color.downgrade(system) if color is not None else None


def low_contrast(
    app: App[object], minimum: float = 4.5, palette: str = "xterm", color_system: str = "truecolor"
) -> list[Cell]:
    """Every character of text on the current screen whose contrast is below ``minimum``,
    as a terminal of ``color_system`` ("truecolor" or "256") shows it."""
    colours = PALETTES[palette]
    system = COLOR_SYSTEMS[color_system]
    regions = _in_view(app)
    dark = app.current_theme.dark
    default_fg, default_bg = (colours[7], colours[0]) if dark else (colours[0], colours[15])
    found: list[Cell] = []
    for y, segments in enumerate(rows(app)):
        line = "".join(text for text, _ in segments)
        x = 0
        for text, style in segments:
            style = style or Style()
            fg = _rgb(_as_sent(style.color, system), colours, default_fg)
            bg = _rgb(_as_sent(style.bgcolor, system), colours, default_bg)
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:  # terminals draw it at about half strength, as Textual's DimFilter does
                fg = (bg[0] + (fg[0] - bg[0]) // 2, bg[1] + (fg[1] - bg[1]) // 2, bg[2] + (fg[2] - bg[2]) // 2)
            ratio = contrast(fg, bg)
            for char in text:
                if ratio < minimum and is_text(char) and any(r.contains(x, y) for r in regions):
                    found.append(Cell(y, x, char, ratio, fg, bg, line))
                x += 1
    return found


def report(cells: list[Cell], limit: int = 12) -> str:
    """The worst cell of each line, for a failing test's message."""
    worst: dict[int, Cell] = {}
    for cell in cells:
        if cell.y not in worst or cell.ratio < worst[cell.y].ratio:
            worst[cell.y] = cell
    return "\n".join(str(c) for c in sorted(worst.values(), key=lambda c: c.y)[:limit])


def _default(color: RichColor | None) -> bool:
    return color is None or color.type == ColorType.DEFAULT


def default_colours(app: App[object]) -> list[str]:
    """Where the current screen leaves a colour to the terminal's default while setting the
    other (``ESC[39m`` text on ``ESC[40m`` black, ``ESC[97m`` text on ``ESC[49m``): on a
    terminal whose default background is white the first is black on black, the second
    white on white. The background counts in every cell (after reverse video), the text
    colour only where there is a character to see."""
    found = []
    for y, segments in enumerate(rows(app)):
        for text, style in segments:
            fg, bg = (_default(style.color), _default(style.bgcolor)) if style else (True, True)
            if style and style.reverse:
                fg, bg = bg, fg
            if bg or (fg and text.strip()):
                found.append(f"line {y:>2}: {text!r} {style}")
    return found


# What a terminal is sent: control sequences, and the text between them.
_SEQUENCE = re.compile(
    rb"\x1b\[([0-?]*)([ -/]*)([@-~])"  # CSI, SGR among them
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[P_^][^\x1b]*\x1b\\"  # DCS, APC, PM
    rb"|\x1b[ -/]*[0-~]"  # the rest
)


@dataclass(frozen=True, slots=True)
class TerminalCell:
    """A character as a terminal draws it: its SGR colour codes (None: the terminal's default)."""

    y: int
    x: int
    char: str
    fg: str | None
    bg: str | None


def terminal_cells(data: bytes) -> list[TerminalCell]:
    """Every character written in ``data`` (bytes an app sent a terminal), with the colours
    in force when it was written, after reverse video. Follows SGR (colours, reset, reverse)
    and cursor positioning, which is all Textual uses."""
    fg: str | None = None
    bg: str | None = None
    reverse = False
    y = x = 0
    cells: list[TerminalCell] = []
    start = 0
    for match in _SEQUENCE.finditer(data + b"\x1b[0m"):
        for char in data[start : match.start()].decode("utf-8", "replace"):
            if char == "\n":
                y, x = y + 1, 0
            elif char == "\r":
                x = 0
            elif char >= " ":
                shown = (bg, fg) if reverse else (fg, bg)
                cells.append(TerminalCell(y, x, char, *shown))
                x += 1
        start = match.end()
        params, intermediate, final = match.group(1), match.group(2), match.group(3)
        if final == b"H" and not intermediate:
            row, _, column = params.decode().partition(";")
            y, x = int(row or 1) - 1, int(column or 1) - 1
        if final != b"m" or intermediate or params.startswith(b"?"):
            continue
        codes = params.decode().split(";") if params else ["0"]
        i = 0
        while i < len(codes):
            code = int(codes[i] or 0)
            if code == 0:
                fg = bg = None
                reverse = False
            elif code == 7:
                reverse = True
            elif code == 27:
                reverse = False
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = str(code)
            elif code == 39:
                fg = None
            elif 40 <= code <= 47 or 100 <= code <= 107:
                bg = str(code)
            elif code == 49:
                bg = None
            elif code in (38, 48):  # 38;5;N or 38;2;R;G;B
                size = 3 if codes[i + 1 : i + 2] == ["5"] else 5
                value = ";".join(codes[i : i + size])
                fg, bg = (value, bg) if code == 38 else (fg, value)
                i += size - 1
            i += 1
    return cells


def half_default(cells: list[TerminalCell]) -> list[TerminalCell]:
    """Cells drawn on the terminal's default background while other cells are not, or with its
    default text colour on a background of the app's: the background counts everywhere,
    the text colour where there is a character."""
    return [c for c in cells if c.bg is None or (c.fg is None and not c.char.isspace())]
