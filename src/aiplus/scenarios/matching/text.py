"""Chinese text analysis: normalisation, rjieba segmentation with a domain dictionary, stop words, synonyms.

Synonyms are folded to one canonical term on *both* sides (index and query) rather than expanded at query
time: a need that says 质检 and a profile that says 质量检测 then meet on one index term, the BM25 statistics
count the group as one word (so a group with many spellings is not over-weighted), and the query stays short.
The price is that editing the synonym table needs an index rebuild, which the engine exposes as `rebuild()`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import rjieba

DEFAULT_WORD_FREQ = 20000

# Tokens that are only digits, punctuation or symbols say nothing about the problem (percentages, years).
_NOISE = re.compile(r"^[\W\d_]+$", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    term: str


def _data_lines(name: str) -> list[str]:
    text = resources.files("aiplus.scenarios.matching").joinpath("data", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def normalise(text: str) -> str:
    # NFKC folds full-width Latin and digits (ＬＬＭ, １２３４５) that Chinese input methods produce.
    return unicodedata.normalize("NFKC", text).lower()


class Analyzer:
    """Turns text into canonical index terms. Instances are immutable after construction and thread-safe."""

    def __init__(
        self,
        words: Iterable[tuple[str, int]] = (),
        synonym_groups: Iterable[Iterable[str]] = (),
        stopwords: Iterable[str] = (),
        min_len: int = 2,
    ) -> None:
        self._jieba = rjieba.Jieba()
        self._canon: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._min_len = min_len
        for group in synonym_groups:
            forms = [f.strip() for f in group if f.strip()]
            if not forms:
                continue
            canon = normalise(forms[0])
            self._display[canon] = forms[0]
            for form in forms:
                self._canon[normalise(form)] = canon
                self._add_word(normalise(form), DEFAULT_WORD_FREQ)
        for word, freq in words:
            self._add_word(normalise(word), freq)
        self._stop = frozenset(normalise(w) for w in stopwords)

    def _add_word(self, word: str, freq: int) -> None:
        # A word containing a space can never come out of the segmenter as one token; adding it would be a
        # no-op.
        if word and " " not in word:
            self._jieba.add_word(word, freq, None)

    def display(self, term: str) -> str:
        return self._display.get(term, term)

    def _token(self, raw: str) -> Token | None:
        tok = raw.strip()
        if len(tok) < self._min_len and not (tok.isascii() and tok.isalpha() and len(tok) >= 2):
            return None
        if tok in self._stop or _NOISE.match(tok):
            return None
        term = self._canon.get(tok, tok)
        if term in self._stop:
            return None
        return Token(tok, term)

    def tokens(self, text: str) -> list[Token]:
        return [t for t in map(self._token, self._jieba.cut(normalise(text))) if t is not None]

    def terms(self, text: str) -> list[str]:
        return [t.term for t in self.tokens(text)]

    def search_terms(self, text: str) -> list[str]:
        """`terms`, each followed by the terms of the shorter words inside it (jieba's search mode: 智慧养老 also
        gives 智慧, 养老), for a full-text index, so that a query for a part of a compound finds it. Matching does
        not use this: the parts would count a word twice in BM25."""
        out: list[str] = []
        for token in self.tokens(text):
            out.append(token.term)
            if len(token.surface) > self._min_len:
                out.extend(t.term for t in map(self._token, self._jieba.cut_for_search(token.surface))
                           if t is not None and t.term != token.term)
        return out

    def keeps_whole(self, word: str) -> bool:
        """True if `word` comes out of the segmenter as a single token (used by tests and dictionary
        review)."""
        return self._jieba.cut(normalise(word)) == [normalise(word)]

    def synonyms_of(self, word: str) -> set[str]:
        canon = self._canon.get(normalise(word), normalise(word))
        return {form for form, c in self._canon.items() if c == canon} | {canon}


def load_words() -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for line in _data_lines("domain_words.txt"):
        parts = line.split()
        out.append((parts[0], int(parts[1]) if len(parts) > 1 else DEFAULT_WORD_FREQ))
    return out


def load_synonyms() -> list[list[str]]:
    return [[f for f in line.split("\t") if f.strip()] for line in _data_lines("synonyms.tsv")]


def load_stopwords() -> list[str]:
    return [ln.strip() for ln in _data_lines("stopwords.txt")]


@lru_cache(maxsize=8)
def default_analyzer(extra_words: tuple[str, ...] = ()) -> Analyzer:
    """The analyzer built from the reviewed data files shipped with the package.

    `extra_words` lets a caller add vocabulary it owns (e.g. the scenario taxonomy keywords of a pack) without
    the engine importing the pack loader.
    """
    words = load_words() + [(w, DEFAULT_WORD_FREQ) for w in extra_words]
    return Analyzer(words=words, synonym_groups=load_synonyms(), stopwords=load_stopwords())
