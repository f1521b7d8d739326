"""BM25 over pre-tokenised Chinese terms: a bm25s main index plus a small delta buffer.

Why a delta buffer: bm25s stores, for every (document, term) pair, the final BM25 value with the corpus-wide
IDF and average length already multiplied in (a CSC matrix). Adding one document changes the IDF of its terms
and so every stored value of those columns; bm25s has no API to do that in place, and rewriting the columns
costs about as much as a rebuild. So:

* `build()` indexes everything with bm25s (seconds at 10^5 documents);
* `add()` puts a document in a delta buffer, scored with the *main* index's statistics (its IDF, N and average
  length), so delta and main scores are on one scale and a document scores almost exactly what it will score
  after the next rebuild;
* `remove()` tombstones a main row or drops a delta row; removed rows keep counting in IDF until the rebuild,
  which shifts scores slightly but never returns a removed document;
* the owner calls `build()` again when `delta_size` grows past a few thousand (the engine's `needs_rebuild`).

Scoring reads bm25s's CSC arrays directly instead of calling `get_scores`, so that each query term can carry
its own weight and the delta rows can be added into the same score vector.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


class LexicalIndex:
    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._main_vocab = 0
        self._data: F32 = np.zeros(0, dtype=np.float32)
        self._indices: I32 = np.zeros(0, dtype=np.int32)
        self._indptr: I64 = np.zeros(1, dtype=np.int64)
        self._df_main: I64 = np.zeros(0, dtype=np.int64)
        self.n_main = 0
        self.avgdl = 1.0
        self._main_dl: I32 = np.zeros(0, dtype=np.int32)
        # Delta rows are numbered from n_main upwards, in the same row space as the caller's structured
        # arrays.
        self._delta: dict[int, tuple[Counter[int], int]] = {}
        self._postings: dict[int, dict[int, int]] = {}
        self._delta_df: Counter[int] = Counter()

    # -- building --

    def _ids(self, terms: Sequence[str], grow: bool) -> list[int]:
        out: list[int] = []
        for t in terms:
            tid = self.vocab.get(t)
            if tid is None:
                if not grow:
                    continue
                tid = len(self.vocab)
                self.vocab[t] = tid
                self._terms.append(t)
            out.append(tid)
        return out

    def build(self, docs: Sequence[Sequence[str]]) -> None:
        """Index `docs` as rows 0..len(docs)-1, replacing the main index and emptying the delta."""
        self.vocab = {}
        self._terms = []
        ids = [self._ids(d, grow=True) for d in docs]
        self._delta.clear()
        self._postings.clear()
        self._delta_df.clear()
        self.n_main = len(docs)
        self._main_vocab = len(self.vocab)
        self._main_dl = np.fromiter((len(d) for d in ids), dtype=np.int32, count=len(ids))
        self.avgdl = float(self._main_dl.mean()) if len(ids) and self._main_dl.sum() else 1.0
        if not ids or not self.vocab:
            self._data = np.zeros(0, dtype=np.float32)
            self._indices = np.zeros(0, dtype=np.int32)
            self._indptr = np.zeros(self._main_vocab + 1, dtype=np.int64)
            self._df_main = np.zeros(self._main_vocab, dtype=np.int64)
            return
        bm = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        # bm25s appends an empty-string token to the vocabulary it is given; hand it a copy to keep ours
        # clean.
        bm.index((ids, dict(self.vocab)), create_empty_token=False, show_progress=False)
        self._data = np.asarray(bm.scores["data"], dtype=np.float32)
        self._indices = np.asarray(bm.scores["indices"], dtype=np.int32)
        self._indptr = np.asarray(bm.scores["indptr"], dtype=np.int64)
        self._df_main = np.diff(self._indptr)

    def copy(self) -> LexicalIndex:
        """An independent copy for copy-on-write updates: the main arrays, which only `build()` replaces, are
        shared; the vocabulary and the delta, which `add()` and `remove()` change in place, are copied."""
        other = copy.copy(self)
        other.vocab = dict(self.vocab)
        other._terms = list(self._terms)
        other._delta = dict(self._delta)
        other._postings = {tid: dict(rows) for tid, rows in self._postings.items()}
        other._delta_df = Counter(self._delta_df)
        return other

    # -- incremental --

    def add(self, row: int, terms: Sequence[str]) -> None:
        if row < self.n_main:
            raise ValueError("delta rows must be numbered after the main rows")
        self.remove(row)
        counts = Counter(self._ids(terms, grow=True))
        self._delta[row] = (counts, sum(counts.values()))
        for tid, tf in counts.items():
            self._postings.setdefault(tid, {})[row] = tf
            self._delta_df[tid] += 1

    def remove(self, row: int) -> None:
        """Drop a delta row. Main rows are tombstoned by the caller's live mask, not here."""
        entry = self._delta.pop(row, None)
        if entry is None:
            return
        for tid in entry[0]:
            plist = self._postings.get(tid)
            if plist is not None:
                plist.pop(row, None)
                if not plist:
                    del self._postings[tid]
            self._delta_df[tid] -= 1

    @property
    def delta_size(self) -> int:
        return len(self._delta)

    # -- scoring --

    def idf(self, tid: int) -> float:
        df = int(self._df_main[tid]) if tid < self._main_vocab else 0
        n = self.n_main
        if df == 0:
            # A term only the delta knows: count the delta so a brand-new word is not given infinite weight.
            df = self._delta_df.get(tid, 0)
            n = self.n_main + len(self._delta)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def term_value(self, tid: int, tf: int, dl: int) -> float:
        """BM25 value of one term in one document, as bm25s computes it (Lucene IDF, Robertson TF)."""
        if tf <= 0:
            return 0.0
        norm = self.k1 * (1.0 - self.b + self.b * dl / self.avgdl)
        return self.idf(tid) * tf / (tf + norm)

    def term(self, tid: int) -> str:
        return self._terms[tid]

    def query_ids(self, terms: Sequence[str]) -> list[int]:
        return self._ids(terms, grow=False)

    def score(self, weighted: Sequence[tuple[int, float]], n_rows: int) -> F32:
        """Weighted BM25 for rows 0..n_rows-1; rows not in the index score 0."""
        scores = np.zeros(n_rows, dtype=np.float32)
        data, indices, indptr = self._data, self._indices, self._indptr
        for tid, w in weighted:
            if tid < self._main_vocab:
                s, e = int(indptr[tid]), int(indptr[tid + 1])
                if e > s:
                    # Within one column every row appears once, so fancy-index += is a correct scatter-add.
                    scores[indices[s:e]] += np.float32(w) * data[s:e]
            plist = self._postings.get(tid)
            if plist:
                for row, tf in plist.items():
                    if row < n_rows:
                        scores[row] += w * self.term_value(tid, tf, self._delta[row][1])
        return scores

    def doc_len(self, row: int) -> int:
        if row < self.n_main:
            return int(self._main_dl[row])
        entry = self._delta.get(row)
        return entry[1] if entry else 0

    def is_delta(self, row: int) -> bool:
        return row in self._delta
