"""Names as they are searched: lower case, accents and other marks stripped, so that "muller"
finds "Müller" and "odegaard" finds "Ødegaard".

Done in Python, the same way for what is stored (``patients.search_name``) and for what is
typed, so that both databases compare the same text and their trigram indexes serve it.
"""

import unicodedata

# Letters that are not a base letter plus a mark, so NFKD leaves them whole: what people type
# for them on a keyboard without them.
_LETTERS = str.maketrans({"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h",
                          "ŧ": "t", "þ": "th", "æ": "ae", "œ": "oe", "ŀ": "l", "ŉ": "n",
                          "’": "'", "‘": "'", "ʼ": "'"})


def search_key(text: str) -> str:
    """``text`` folded for searching: case folded (ß is ss), decomposed (é is e and an accent),
    marks dropped, the few letters without a decomposition spelt out, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in folded if not unicodedata.combining(c)).translate(_LETTERS)
    return " ".join(bare.split())
