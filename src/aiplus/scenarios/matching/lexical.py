"""BM25 over pre-tokenised Chinese terms: a bm25s main index plus a small delta buffer, scored with the statistics
of the documents live now, so that after any sequence of additions and removals a query scores every document as a
full rebuild would.

Why a delta buffer: bm25s stores, for every (document, term) pair, the final BM25 value with the corpus-wide
IDF and average length already multiplied in (a CSC matrix). Adding one document changes the IDF of its terms
and the average length, and so every stored value; bm25s has no API to do that in place, and rewriting the columns
costs about as much as a rebuild. So:

* `build()` indexes everything with bm25s (seconds at 10^5 documents); while nothing has changed since, queries
  read bm25s's values directly (the fast path);
* `add()` puts a document in a delta buffer; `remove()` drops a delta row or marks a main row dead;
* once anything has changed, the live statistics (document count, document frequencies and average length over the
  live documents only) differ from those baked into bm25s's values, so a query computes each main posting's value
  from its term frequency instead (recovered once from bm25s's values: BM25 is invertible for the term frequency,
  an integer) and the delta's with the same statistics: the scores equal those of a rebuild, a rebuild is needed
  only to get the fast path back;
* the owner calls `build()` again when `delta_size` grows past a few thousand (the engine's `needs_rebuild`).

Scoring reads the CSC arrays directly instead of calling bm25s's `get_scores`, so that each query term can carry
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
        self._main_len = 0
        # Delta rows are numbered from n_main upwards, in the same row space as the caller's structured
        # arrays.
        self._delta: dict[int, tuple[Counter[int], int]] = {}
        self._postings: dict[int, dict[int, int]] = {}
        self._delta_df: Counter[int] = Counter()
        self._delta_len = 0
        # Main rows removed since the build, with what they counted in the statistics.
        self._dead: set[int] = set()
        self._dead_df: Counter[int] = Counter()
        self._dead_len = 0
        # Term frequencies of the main postings, aligned with `_indices`; recovered on the first change.
        self._tf: F64 | None = None

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
        self._delta = {}
        self._postings = {}
        self._delta_df = Counter()
        self._delta_len = 0
        self._dead, self._dead_df, self._dead_len = set(), Counter(), 0
        self._tf = None
        self.n_main = len(docs)
        self._main_vocab = len(self.vocab)
        self._main_dl = np.fromiter((len(d) for d in ids), dtype=np.int32, count=len(ids))
        self._main_len = int(self._main_dl.sum())
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
        other._dead = set(self._dead)
        other._dead_df = Counter(self._dead_df)
        return other

    # -- incremental --

    def add(self, row: int, terms: Sequence[str]) -> None:
        if row < self.n_main:
            raise ValueError("delta rows must be numbered after the main rows")
        self._term_frequencies()
        self.remove(row)
        counts = Counter(self._ids(terms, grow=True))
        length = sum(counts.values())
        self._delta[row] = (counts, length)
        self._delta_len += length
        for tid, tf in counts.items():
            self._postings.setdefault(tid, {})[row] = tf
            self._delta_df[tid] += 1

    def remove(self, row: int) -> None:
        """Drop a delta row, or take a main row out of the statistics (the caller's live mask hides it)."""
        if row < self.n_main:
            if row in self._dead:
                return
            self._term_frequencies()
            self._dead.add(row)
            self._dead_len += int(self._main_dl[row])
            # The row's terms are the columns holding a posting of it.
            at = np.flatnonzero(self._indices == row)
            self._dead_df.update(int(t) for t in np.searchsorted(self._indptr, at, side="right") - 1)
            return
        entry = self._delta.pop(row, None)
        if entry is None:
            return
        self._delta_len -= entry[1]
        for tid in entry[0]:
            plist = self._postings.get(tid)
            if plist is not None:
                plist.pop(row, None)
                if not plist:
                    del self._postings[tid]
            self._delta_df[tid] -= 1

    def _term_frequencies(self) -> F64:
        """The term frequency of each main posting, from bm25s's value v = idf * tf / (tf + K):
        tf = v * K / (idf - v), rounded to the integer it is."""
        if self._tf is None:
            if self._data.size == 0:
                self._tf = np.zeros(0, dtype=np.float64)
            else:
                df = np.diff(self._indptr)
                n = self.n_main
                idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
                column_idf = np.repeat(idf, df)
                norm = self.k1 * (1.0 - self.b + self.b * self._main_dl[self._indices] / self.avgdl)
                value = self._data.astype(np.float64)
                self._tf = np.rint(value * norm / (column_idf - value))
        return self._tf

    @property
    def delta_size(self) -> int:
        return len(self._delta)

    @property
    def changed(self) -> bool:
        """True once a document was added or removed since the build (the statistics are then live ones)."""
        return bool(self._delta or self._dead)

    # -- statistics of the live documents --

    def n_live(self) -> int:
        return self.n_main - len(self._dead) + len(self._delta)

    def df(self, tid: int) -> int:
        main = int(self._df_main[tid]) if tid < self._main_vocab else 0
        return main - self._dead_df.get(tid, 0) + self._delta_df.get(tid, 0)

    def avgdl_live(self) -> float:
        if not self.changed:
            return self.avgdl
        n = self.n_live()
        total = self._main_len - self._dead_len + self._delta_len
        return total / n if n and total else 1.0

    # -- scoring --

    def idf(self, tid: int) -> float:
        n, df = self.n_live(), self.df(tid)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def term_value(self, tid: int, tf: int, dl: int) -> float:
        """BM25 value of one term in one document, as bm25s computes it (Lucene IDF, Robertson TF)."""
        if tf <= 0:
            return 0.0
        norm = self.k1 * (1.0 - self.b + self.b * dl / self.avgdl_live())
        return self.idf(tid) * tf / (tf + norm)

    def term(self, tid: int) -> str:
        return self._terms[tid]

    def query_ids(self, terms: Sequence[str]) -> list[int]:
        """The ids of the terms some live document contains (a term only removed documents had is no term)."""
        return [tid for tid in self._ids(terms, grow=False) if not self.changed or self.df(tid) > 0]

    def score(self, weighted: Sequence[tuple[int, float]], n_rows: int) -> F32:
        """Weighted BM25 for rows 0..n_rows-1; rows not in the index score 0."""
        if not self.changed:
            scores = np.zeros(n_rows, dtype=np.float32)
            data, indices, indptr = self._data, self._indices, self._indptr
            for tid, w in weighted:
                if tid < self._main_vocab:
                    s, e = int(indptr[tid]), int(indptr[tid + 1])
                    if e > s:
                        # Within one column every row appears once, so fancy-index += is a correct scatter-add.
                        scores[indices[s:e]] += np.float32(w) * data[s:e]
            return scores
        live = np.zeros(n_rows, dtype=np.float64)
        tf_main = self._term_frequencies()
        avgdl = self.avgdl_live()
        for tid, w in weighted:
            idf = self.idf(tid)
            if tid < self._main_vocab:
                s, e = int(self._indptr[tid]), int(self._indptr[tid + 1])
                if e > s:
                    rows = self._indices[s:e]
                    tf = tf_main[s:e]
                    norm = self.k1 * (1.0 - self.b + self.b * self._main_dl[rows] / avgdl)
                    # Dead rows get a value too; the caller's live mask drops them.
                    live[rows] += w * (idf * tf / (tf + norm))
            for row, tf_row in self._postings.get(tid, {}).items():
                if row < n_rows:
                    dl = self._delta[row][1]
                    live[row] += w * (idf * tf_row / (tf_row + self.k1 * (1.0 - self.b + self.b * dl / avgdl)))
        return live.astype(np.float32)

    def doc_len(self, row: int) -> int:
        if row < self.n_main:
            return int(self._main_dl[row])
        entry = self._delta.get(row)
        return entry[1] if entry else 0

    def is_delta(self, row: int) -> bool:
        return row in self._delta
