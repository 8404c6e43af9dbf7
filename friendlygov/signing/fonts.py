"""The font of everything this product writes onto a PDF (field values, signature appearances):
Liberation Serif, metric-compatible with Times New Roman, embedded as a subset.

Liberation Serif 2 (Debian fonts-liberation2) has the precomposed Vietnamese letters; version 1
(fonts-liberation) does not. pyHanko 0.38 writes a TrueType font's glyph widths in font units
(2048 per em for Liberation) where PDF expects thousandths of an em, so every letter would
advance twice its width: `ScaledGlyphAccumulator` scales them.
"""

import dataclasses
from pathlib import Path

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

FOLDER = Path("/usr/share/fonts/truetype/liberation2")
REGULAR = FOLDER / "LiberationSerif-Regular.ttf"
ITALIC = FOLDER / "LiberationSerif-Italic.ttf"
BOLD = FOLDER / "LiberationSerif-Bold.ttf"


class FontMissing(Exception):
    """fonts-liberation2 is not installed."""


class ScaledGlyphAccumulator(GlyphAccumulator):
    """Everything in thousandths of an em: HarfBuzz's advances, the widths written into /W and
    the kerning in TJ (pyHanko mixes them with font units)."""

    def to_thousandths(self):
        self._font_units = self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id in self._glyphs:
            return self._glyphs[glyph_id]
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = scaled = cid, round(width * 1000 / self._font_units)
        return scaled


@dataclasses.dataclass(frozen=True)
class SerifFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        engine = super().create_font_engine(writer, obj_stream)
        engine.__class__ = ScaledGlyphAccumulator
        engine.to_thousandths()
        return engine


def serif(path: Path = REGULAR) -> SerifFactory:
    if not path.exists():
        raise FontMissing(str(path))
    return SerifFactory(str(path))
