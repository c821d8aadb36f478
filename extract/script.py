"""Traditional Chinese read as simplified, character for character, so every offset stays valid.

Hong Kong, Macau and Taiwan papers and many overseas sites write
``計劃總投資52億元的…風電項目``; the rules, lexicons and models know simplified
text only. OpenCC (``opencc`` on PyPI, Apache-2.0, dictionaries inside the
wheel) converts each passage that is written in traditional characters; a
simplified passage is left alone even where OpenCC would change a character
(覆盖 is simplified already, 覆 is no traditional 复 there). The result has
the length of the input, so the cleaned text's offset map still holds and
the record can show the characters the article was written in.
"""

from __future__ import annotations

from functools import cache

import regex

#: Passages judged one by one: a sentence or a line, with its closing punctuation.
PASSAGE = regex.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
#: A passage is traditional when OpenCC changes at least this share of its characters: most of a
#: traditional sentence changes; a simplified one has a name or two with 乾 or 濛 in it.
MIN_SHARE = 0.1


@cache
def _converter():
    import opencc  # 7 MB of dictionaries: loaded at the first article, in 6 ms

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` with its traditional passages in simplified characters, of the same length."""
    convert = _converter().convert
    if convert(text) == text:
        return text
    parts, pos = [], 0
    for m in PASSAGE.finditer(text):
        parts += [text[pos : m.start()], _passage(m.group(), convert)]
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


def _passage(passage: str, convert) -> str:
    """The passage converted where it reads as traditional, else as it is; never of another length."""
    converted = convert(passage)
    if converted == passage:
        return passage
    if len(converted) != len(passage):  # a phrase became longer or shorter: convert each character alone
        converted = "".join(c if len(c := convert(ch)) == 1 else ch for ch in passage)
    changed = sum(a != b for a, b in zip(passage, converted, strict=True))
    return converted if changed >= MIN_SHARE * len(passage) else passage
