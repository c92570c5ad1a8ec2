"""workplan: a keyboard-first terminal app for a partnership's shared work plan."""

__version__ = "0.1.0"
