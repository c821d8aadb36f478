"""Turn the raw bytes of an input file into text, by looking at the bytes, never at the file name.

Chinese press files come as UTF-8 (with or without a BOM), UTF-16 with a BOM,
or GBK/GB2312 (read as GB18030, their superset). The order of the tests is
what makes the choice reliable:

1. known binary formats (PNG, ZIP, PDF, ...) are refused by their signature;
2. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
3. NUL bytes without a BOM mean binary data (or BOM-less UTF-16, which we refuse);
4. strict UTF-8, unless strict GB18030 also fits and reads as more Chinese
   (a short GBK text can be valid UTF-8 by accident: ``说`` is ``CB B5``, which
   UTF-8 reads as ``˵``) and UTF-8 does not read as Western words (``Café``
   is ``43 61 66 C3 A9``, which GB18030 reads as ``Caf茅``);
5. strict GB18030 when it reads as mostly Chinese;
6. only then charset-normalizer, for whatever else (Big5, a Western code page).

Whatever was chosen, a text with many control characters is refused as binary.
"""

from __future__ import annotations

import codecs

import charset_normalizer
import regex

#: File signatures of formats that are never article text, with a name for the error message.
_SIGNATURES: dict[bytes, str] = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office document (.doc/.xls)",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"\x7fELF": "an executable",
}

#: Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Encodings that GB18030 contains: text detected as one of them is decoded as GB18030.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})

#: Characters that make a reading look like Chinese text: CJK ideographs (not
#: radicals), CJK punctuation, full-width and small forms, and the punctuation
#: and symbols of GB2312 (“” — … ℃ Ⅱ ① ● ㎡). Latin-1 symbols (· °) and Kangxi
#: radicals are left out on purpose: UTF-8 reads some GBK text as them (路 is
#: ``C2 B7``, UTF-8's ``·``).
_CHINESE = regex.compile(
    r"[\u2010-\u206f\u2100-\u22ff\u2460-\u25ff\u3000-\u303f\u3300-\u33ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe6f\uff00-\uffef\U00020000-\U0003ffff]"
)
_NON_ASCII = regex.compile(r"[^\x00-\x7f]")
#: A word of Latin letters, ASCII or not (Zürich, Café, Łódź).
_LATIN_WORD = regex.compile(r"\p{Latin}+")
#: Control characters other than the usual whitespace.
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

#: A GB18030 reading is accepted when this share of its non-ASCII characters is Chinese.
_MOSTLY_CHINESE = 0.9
#: Above this share of control characters, decoded "text" is binary data.
_MAX_CONTROL_SHARE = 0.05

_HINT = "Hint: save the article as UTF-8 (or GB18030) text."


class DecodeError(ValueError):
    """Not text (binary junk, or no encoding fits). Message says why, in one line, with a hint."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` into ``(text, encoding name)``, e.g. ``('…', 'gb18030')``.

    The name is a Python codec name (``utf-8``, ``utf-8-sig``, ``utf-16``,
    ``utf-32``, ``gb18030``, or what charset-normalizer found). Empty input
    gives ``('', 'utf-8')``: reporting an empty article is the caller's job.
    Raises :class:`DecodeError` for binary data or when no encoding fits.
    """
    if not data:
        return "", "utf-8"
    _refuse_known_binary(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decode_marked(data, encoding), encoding)
    if b"\x00" in data:
        raise DecodeError(
            "NUL bytes and no byte-order mark: binary data, or UTF-16 without a BOM, not text. " + _HINT
        )
    return _decode_unmarked(data)


def _refuse_known_binary(data: bytes) -> None:
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            raise DecodeError(f"this is {kind}, not text. Hint: give the article as .txt, .html or .jsonl.")


def _decode_marked(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"starts with a {encoding} byte-order mark but is not valid {encoding}. {_HINT}"
        ) from exc


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    """No BOM: strict UTF-8, strict GB18030, then detection, as the module doc explains."""
    utf8 = _try_decode(data, "utf-8")
    gb = _try_decode(data, "gb18030")
    gb_share = 0.0 if gb is None else _chinese_share(gb)
    gb_fits = gb_share >= _MOSTLY_CHINESE
    if utf8 is not None and (not (gb_fits and gb_share > _chinese_share(utf8)) or _western(utf8)):
        return _checked(utf8, "utf-8")
    if gb is not None and gb_fits:
        return _checked(gb, "gb18030")
    return _detect(data)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _western(text: str) -> bool:
    """Whether ``text`` has non-ASCII characters, each a letter of a Latin word with ASCII letters too.

    So read, UTF-8 gave accented words (Café, Zürich); GBK bytes that happen
    to be valid UTF-8 read as letters of other scripts, symbols or
    combining marks (说 → ˵, 台 → U+0328), or as runs of accented letters.
    """
    non_ascii = len(_NON_ASCII.findall(text))
    in_words = sum(
        len(_NON_ASCII.findall(word)) for word in _LATIN_WORD.findall(text) if regex.search("[A-Za-z]", word)
    )
    return 0 < non_ascii == in_words


def _chinese_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that look Chinese (1.0 for pure ASCII)."""
    non_ascii = len(text) - len(_NON_ASCII.sub("", text))
    if non_ascii == 0:
        return 1.0
    return (len(text) - len(_CHINESE.sub("", text))) / non_ascii


def _detect(data: bytes) -> tuple[str, str]:
    """The charset-normalizer fallback, for bytes that neither UTF-8 nor GB18030 read well."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise DecodeError(f"no text encoding fits (tried UTF-8, GB18030 and detection): binary data? {_HINT}")
    encoding = codecs.lookup(best.encoding).name
    if encoding.startswith(("utf-16", "utf-32")):
        raise DecodeError(f"reads only as {encoding} without a byte-order mark: binary data? {_HINT}")
    if encoding in _GB_FAMILY:
        encoding = "gb18030"
    text = _try_decode(data, encoding)
    if text is None:
        raise DecodeError(f"detected {encoding}, but the bytes are not valid {encoding}. {_HINT}")
    return _checked(text, encoding)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Refuse a decoded text that is mostly control characters: it was binary data."""
    controls = sum(1 for _ in _CONTROL.finditer(text))
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise DecodeError(
            f"{controls / len(text):.0%} of the characters are control characters when read as {encoding}: "
            f"binary data, not text. {_HINT}"
        )
    return text, encoding
