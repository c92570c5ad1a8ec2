"""Contrast as a reader sees it: every character on the screen, against its own background.

The screen is taken from Textual's compositor (what it would send to the terminal),
segment by segment; each segment's Rich style is resolved to RGB. Colours a theme
names as ANSI colours (a theme with ``ansi = true``) are shown by the terminal's own
palette, so those are resolved with reference palettes: xterm's and VGA's.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.color import ColorType
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


def low_contrast(app: App[object], minimum: float = 4.5, palette: str = "xterm") -> list[Cell]:
    """Every character of text on the current screen whose contrast is below ``minimum``."""
    colours = PALETTES[palette]
    regions = _in_view(app)
    dark = app.current_theme.dark
    default_fg, default_bg = (colours[7], colours[0]) if dark else (colours[0], colours[15])
    found: list[Cell] = []
    for y, segments in enumerate(rows(app)):
        line = "".join(text for text, _ in segments)
        x = 0
        for text, style in segments:
            style = style or Style()
            fg = _rgb(style.color, colours, default_fg)
            bg = _rgb(style.bgcolor, colours, default_bg)
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
