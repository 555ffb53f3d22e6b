"""Text in a PDF form field that is never clipped: measure with the field's own font, set smaller or
wrap within the box, and draw the appearance ourselves.

Socialstyrelsen's blank forms have fixed-size fields with a fixed font size (Century Gothic 10 pt,
embedded in the form). A viewer that lays out a value itself cuts off what does not fit, so the
filler does the layout: each field's box (its widget's /Rect), font (the /DA font resource in the
form's /DR, with its /Widths and /Encoding) and size are read from the blank form; a value is set on
one line at the form's size when it fits, else at the largest size down to MIN_SIZE at which it fits
on one line or wrapped within the box (the field is then made multiline). Below MIN_SIZE the lines
that fit are shown, the last one saying that the text continues, and the rest is returned for a
continuation page. The appearance stream is written in the form's embedded font, and the form's
NeedAppearances is turned off, so every viewer shows exactly these lines.

Characters outside the font's 8-bit encoding (Polish ń, ł …) are given free codes through the
encoding's /Differences, with widths from the embedded TrueType font, when the font has the glyph.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass, field

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

MIN_SIZE = 6.0  # points; smaller text is hard to read on paper
STEP = 0.5
PAD_X = 2.0  # the left/right inset viewers use for text fields
PAD_Y = 1.0
MULTILINE = 1 << 12  # Ff bit 13
CONTINUED = "(forts. på fortsättningsbladet)"
CONTINUED_SHORT = "(forts.)"  # in a field too narrow for the long marker

_BASE_CODECS = {"/MacRomanEncoding": "mac_roman", "/WinAnsiEncoding": "cp1252"}


@dataclass
class FontMetrics:
    """A simple (8-bit) font of the form: its codes, widths (1/1000 em) and vertical extent."""

    resource: str  # e.g. "/CenturyGothic"
    font: DictionaryObject
    codes: dict[str, int]  # character -> code
    widths: dict[int, float]
    ascent: float
    descent: float  # negative
    tt: object = None  # fontTools TTFont of the embedded font, for extra characters
    extra: dict[str, int] = field(default_factory=dict)  # characters added through /Differences

    @property
    def leading(self) -> float:
        """Line distance per point of size (ascent + descent of the font, as viewers use it)."""
        return (self.ascent - self.descent) / 1000

    def code(self, ch: str) -> int | None:
        if ch in self.codes:
            return self.codes[ch]
        return self.extra.get(ch)

    def char_width(self, ch: str) -> float:
        c = self.code(ch)
        if c is not None and c in self.widths:
            return self.widths[c]
        return self._tt_width(ch) or self.widths.get(self.codes.get("?", 63), 500)

    def width(self, text: str, size: float) -> float:
        return sum(self.char_width(ch) for ch in text) * size / 1000

    def _tt_width(self, ch: str) -> float | None:
        if self.tt is None:
            return None
        glyph = self.tt.getBestCmap().get(ord(ch))
        if glyph is None:
            return None
        return self.tt["hmtx"][glyph][0] * 1000 / self.tt["head"].unitsPerEm

    def encode(self, text: str) -> bytes:
        out = bytearray()
        for ch in text:
            c = self.code(ch)
            if c is None:
                base = unicodedata.normalize("NFKD", ch)[:1]
                c = self.codes.get(base, self.codes.get("?", 63))
            out.append(c)
        return bytes(out)

    def add_characters(self, text: str) -> None:
        """Give characters outside the encoding a free code (a control code of the base encoding)
        through /Differences, when the embedded font has their glyph."""
        if self.tt is None:
            return
        cmap = self.tt.getBestCmap()
        free = [c for c in range(1, 32) if c not in self.codes.values() and c not in self.extra.values()]
        for ch in dict.fromkeys(text):
            if ch in self.codes or ch in self.extra or ord(ch) not in cmap or not free:
                continue
            code = free.pop(0)
            self.extra[ch] = code
            self.widths[code] = self._tt_width(ch)
            self._write_difference(code, cmap[ord(ch)])

    def _write_difference(self, code: int, glyph: str) -> None:
        enc = self.font.get("/Encoding")
        enc = enc.get_object() if enc is not None else None
        if not isinstance(enc, DictionaryObject):
            enc = DictionaryObject({NameObject("/BaseEncoding"): NameObject(enc or "/WinAnsiEncoding")})
            self.font[NameObject("/Encoding")] = enc
        diffs = enc.get("/Differences") or ArrayObject()
        diffs.extend([NumberObject(code), NameObject("/" + glyph)])
        enc[NameObject("/Differences")] = diffs
        first = int(self.font.get("/FirstChar", 0))
        widths = self.font["/Widths"].get_object() if "/Widths" in self.font else None
        if widths is not None and code >= first and code - first < len(widths):
            widths[code - first] = FloatObject(round(self.widths[code], 1))


def _glyph_char(name: str) -> str | None:
    from fontTools import agl

    text = agl.toUnicode(name)
    return text if len(text) == 1 else None


def font_metrics(resource: str, font: DictionaryObject) -> FontMetrics | None:
    """Metrics of a simple font with /Widths (None for a font without them, e.g. Helvetica)."""
    if "/Widths" not in font:
        return None
    enc = font.get("/Encoding")
    enc = enc.get_object() if enc is not None else None
    base = enc if isinstance(enc, str) else (enc.get("/BaseEncoding") if enc else None)
    codec = _BASE_CODECS.get(str(base), "cp1252")
    codes: dict[str, int] = {}
    for code in range(32, 256):
        try:
            ch = bytes([code]).decode(codec)
        except UnicodeDecodeError:
            continue
        codes.setdefault(ch, code)
    if isinstance(enc, DictionaryObject):
        code = 0
        for item in enc.get("/Differences", []):
            if isinstance(item, int) or hasattr(item, "as_numeric"):
                code = int(item)
                continue
            ch = _glyph_char(str(item)[1:])
            if ch:
                codes = {k: v for k, v in codes.items() if v != code}
                codes[ch] = code
            code += 1
    first = int(font.get("/FirstChar", 0))
    widths = {first + i: float(w) for i, w in enumerate(font["/Widths"].get_object())}
    desc = font.get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else {}
    tt = None
    if "/FontFile2" in desc:
        from fontTools.ttLib import TTFont

        tt = TTFont(io.BytesIO(desc["/FontFile2"].get_object().get_data()))
    return FontMetrics(
        resource=resource,
        font=font,
        codes=codes,
        widths=widths,
        ascent=float(desc.get("/Ascent", 800)),
        descent=float(desc.get("/Descent", -200)),
        tt=tt,
    )


@dataclass
class FieldBox:
    """A text field's widget as the blank form defines it."""

    name: str
    label: str
    annotation: DictionaryObject
    width: float
    height: float
    font: FontMetrics
    size: float
    multiline: bool

    @property
    def inner_width(self) -> float:
        return self.width - 2 * PAD_X

    @property
    def inner_height(self) -> float:
        return self.height - 2 * PAD_Y

    def capacity(self, size: float) -> int:
        """Lines of this size the box holds (line height: the font's ascent + descent)."""
        return math.floor(self.inner_height / (size * self.font.leading) + 1e-9)


@dataclass
class Fit:
    size: float
    lines: list[str]
    rest: str = ""  # what did not fit (goes on a continuation page)
    wrapped: bool = False


def wrap(text: str, font: FontMetrics, size: float, width: float) -> list[str]:
    """Greedy word wrap within ``width``; a word longer than a line is broken between characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.width(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while len(word) > 1 and font.width(word, size) > width:
                cut = len(word) - 1
                while cut > 1 and font.width(word[:cut], size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def fit(text: str, box: FieldBox) -> Fit:
    """The largest size (the form's size down to MIN_SIZE) at which ``text`` fits the box, on one
    line or wrapped; at MIN_SIZE what does not fit is cut at a line and returned as ``rest``."""
    size = box.size
    while size >= MIN_SIZE - 1e-9:
        one_line = "\n" not in text and box.font.width(text, size) <= box.inner_width
        if one_line and box.capacity(size) >= 1:
            return Fit(size, [text])
        lines = wrap(text, box.font, size, box.inner_width)
        if len(lines) <= box.capacity(size):
            return Fit(size, lines, wrapped=True)
        size = round(size - STEP, 2)
    size = MIN_SIZE
    lines = wrap(text, box.font, size, box.inner_width)
    keep = max(0, box.capacity(size) - 1)
    marker = CONTINUED if box.font.width(CONTINUED, size) <= box.inner_width else CONTINUED_SHORT
    shown = lines[:keep] + [marker]
    return Fit(size, shown, rest="\n".join(lines[keep:]), wrapped=True)


def field_boxes(writer) -> dict[str, FieldBox]:
    """Every text field of the form (first widget per name) with its box, font and size."""
    acro = writer._root_object["/AcroForm"]
    fonts = acro.get("/DR", {}).get("/Font", {})
    metrics: dict[str, FontMetrics | None] = {}
    default = None
    for name, ref in fonts.items():
        metrics[name] = font_metrics(name, ref.get_object())
        if default is None and metrics[name] is not None and metrics[name].tt is not None:
            default = metrics[name]
    boxes: dict[str, FieldBox] = {}
    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget" or "/T" not in annot or _inherited(annot, "/FT") != "/Tx":
                continue
            name = _qualified_name(annot)
            if name in boxes:
                continue
            da = str(_inherited(annot, "/DA") or acro.get("/DA") or "")
            parts = da.split()
            font_name = next((p for p in parts if p.startswith("/")), "")
            size = float(parts[parts.index("Tf") - 1]) if "Tf" in parts else 10.0
            font = metrics.get(font_name) or default
            rect = [float(x) for x in annot["/Rect"]]
            boxes[name] = FieldBox(
                name=name,
                label=str(_inherited(annot, "/TU") or name),
                annotation=annot,
                width=abs(rect[2] - rect[0]),
                height=abs(rect[3] - rect[1]),
                font=font,
                size=size or 10.0,
                multiline=bool(int(_inherited(annot, "/Ff") or 0) & MULTILINE),
            )
    return boxes


def _inherited(annot, key):
    """A field attribute, looked up through the field's parents (PDF 32000-1, 12.7.3.1)."""
    node = annot
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return None


def _qualified_name(annot) -> str:
    """The field's fully qualified name ("Bilagor nr.0")."""
    names = []
    node = annot
    while node is not None:
        if "/T" in node:
            names.append(str(node["/T"]))
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return ".".join(reversed(names))


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def appearance(writer, box: FieldBox, result: Fit):
    """The normal appearance stream drawing ``result``'s lines in the form's font."""
    font = box.font
    size, lead = result.size, result.size * font.leading
    n = len(result.lines)
    if box.multiline:  # a text area: from the top
        first = box.height - PAD_Y - size * font.ascent / 1000
    else:  # a line field (wrapped or not): the block centred in the box
        block = n * lead
        first = (box.height + block) / 2 - size * font.ascent / 1000
    ops = [
        b"/Tx BMC",
        b"q",
        f"1 1 {box.width - 2:.2f} {box.height - 2:.2f} re W n".encode(),
        b"BT",
        f"{font.resource} {size:g} Tf 0 g".encode(),
        f"{PAD_X:g} {first:.2f} Td".encode(),
    ]
    for i, line in enumerate(result.lines):
        if i:
            ops.append(f"0 {-lead:.2f} Td".encode())
        ops.append(b"(" + _escape(font.encode(line)) + b") Tj")
    ops += [b"ET", b"Q", b"EMC"]
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops))
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(box.width), FloatObject(box.height)]
            ),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/Font"): DictionaryObject(
                        {NameObject(font.resource): font.font.indirect_reference or font.font}
                    )
                }
            ),
        }
    )
    return writer._add_object(stream)


def fill(writer, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """Fill the text fields of ``writer`` (a PdfWriter cloned from a blank form) with ``values``,
    each laid out to fit its box. Returns (field name, field label, text) for what continues
    elsewhere."""
    boxes = field_boxes(writer)
    todo = {name: str(value) for name, value in values.items() if name in boxes and str(value or "").strip()}
    for name, text in todo.items():
        boxes[name].font.add_characters(text)
    continued = []
    for name, text in todo.items():
        box = boxes[name]
        result = fit(text, box)
        annot = box.annotation
        annot[NameObject("/V")] = TextStringObject(text)
        annot[NameObject("/DA")] = TextStringObject(f"{box.font.resource} {result.size:g} Tf 0 g")
        if result.wrapped and not box.multiline:
            annot[NameObject("/Ff")] = NumberObject(int(_inherited(annot, "/Ff") or 0) | MULTILINE)
        annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): appearance(writer, box, result)})
        if result.rest:
            continued.append((name, box.label, result.rest))
    writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(False)
    return continued


def continues(lines: list[str]) -> bool:
    """Whether the drawn lines end with the marker that the text continues on a continuation page."""
    return bool(lines) and lines[-1] in (CONTINUED, CONTINUED_SHORT)
