"""The matching engine: ranked suppliers for a need, ranked needs for a supplier, each with an explanation.

Score = w_text * text + w_domain * domain + w_region * region + w_budget * budget, all parts in [0, 1],
divided by the weight total. `text` is the candidate's weighted BM25 over the BM25 an average-length document
would get by containing every query term once, sum(weight * idf) / (1 + k1), capped at 1: roughly the share of
the query's term weight the candidate covers. It is comparable across queries, so a fixed "strong match"
threshold means the same thing for a short and a long need.

Required qualifications are a hard constraint: a candidate lacking one is never ranked, but the best-scoring
excluded candidates are returned separately with the missing qualification, so an owner can see who nearly
fit. Region can be made hard too (`region_is_hard`), for needs that only accept local suppliers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .lexical import LexicalIndex
from .model import (
    CapabilityProfile,
    Constraint,
    Exclusion,
    Explanation,
    FieldFit,
    IndexStats,
    Match,
    MatchResult,
    Need,
    TermMatch,
    Weights,
)
from .structured import StructStore, range_fit, to_float
from .text import Analyzer, Token, default_analyzer

F64 = npt.NDArray[np.float64]

TITLE_REPEAT = 3  # title/products tokens are indexed this many times: a cheap field boost BM25 understands
MAX_QUERY_TERMS = 48  # long descriptions add mostly noise terms; keep the rarest ones
# A need's title states its problem; its description also carries context and boilerplate.
HEAD_QUERY_WEIGHT = 1.5


def need_fields(n: Need) -> tuple[str, str]:
    return n.title, f"{n.description}\n{n.kpis}"


def profile_fields(p: CapabilityProfile) -> tuple[str, str]:
    body = "\n".join([p.description, " ".join(p.technologies), " ".join(p.models_used)])
    return p.products, body


@dataclass(slots=True)
class _Query:
    id: str
    terms: list[tuple[int, float]]  # (term id, weight), unique
    tokens: list[Token]
    mass: float


class _Side:
    """One searchable collection: the lexical index, the structured arrays and the documents, by row."""

    def __init__(self, analyzer: Analyzer, is_need: bool) -> None:
        self.analyzer = analyzer
        self.is_need = is_need
        self.lex = LexicalIndex()
        self.st = StructStore()
        self.rows: dict[str, int] = {}
        self.docs: list[Need | CapabilityProfile | None] = []

    def _fields(self, doc: Need | CapabilityProfile) -> tuple[str, str]:
        if isinstance(doc, Need):
            return need_fields(doc)
        return profile_fields(doc)

    def index_terms(self, doc: Need | CapabilityProfile) -> list[str]:
        head, body = self._fields(doc)
        return self.analyzer.terms(head) * TITLE_REPEAT + self.analyzer.terms(body)

    def _put_struct(self, row: int, doc: Need | CapabilityProfile) -> None:
        if isinstance(doc, Need):
            self.st.put(row, doc.domains, doc.regions, doc.required_qualifications,
                        doc.budget_min_cny, doc.budget_max_cny)
        else:
            self.st.put(row, doc.domains, doc.regions_served, doc.qualifications,
                        doc.price_min_cny, doc.price_max_cny)

    def build(self, docs: Sequence[Need | CapabilityProfile]) -> None:
        self.rows = {}
        self.docs = []
        self.st = StructStore(capacity=max(1024, len(docs) + 1024))
        unique: dict[str, Need | CapabilityProfile] = {}
        for d in docs:
            unique[d.id] = d  # the last version of a repeated id wins, as it would with add()
        ordered = list(unique.values())
        for row, d in enumerate(ordered):
            self.rows[d.id] = row
            self.docs.append(d)
            self._put_struct(row, d)
        self.lex.build([self.index_terms(d) for d in ordered])

    def add(self, doc: Need | CapabilityProfile) -> None:
        self.remove(doc.id)
        row = len(self.docs)
        self.rows[doc.id] = row
        self.docs.append(doc)
        self._put_struct(row, doc)
        self.lex.add(row, self.index_terms(doc))

    def remove(self, doc_id: str) -> bool:
        row = self.rows.pop(doc_id, None)
        if row is None:
            return False
        self.docs[row] = None
        self.st.kill(row)
        self.lex.remove(row)
        return True

    def rebuild(self) -> None:
        self.build([d for d in self.docs if d is not None])

    def copy(self) -> _Side:
        other = _Side(self.analyzer, self.is_need)
        other.lex, other.st = self.lex.copy(), self.st.copy()
        other.rows, other.docs = dict(self.rows), list(self.docs)
        return other

    def stats(self) -> IndexStats:
        deleted = sum(1 for r in range(self.lex.n_main) if self.docs[r] is None)
        return IndexStats(self.lex.n_main, self.lex.delta_size, deleted, len(self.lex.vocab))


class MatchingEngine:
    """Holds both collections. Not thread-safe for writes; reads may run concurrently between writes."""

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        weights: Weights | None = None,
        rebuild_at_delta: int = 2000,
    ) -> None:
        self.analyzer = analyzer or default_analyzer()
        self.weights = weights or Weights()
        self.rebuild_at_delta = rebuild_at_delta
        self.profiles = _Side(self.analyzer, is_need=False)
        self.needs = _Side(self.analyzer, is_need=True)

    # -- writes --

    def load(self, profiles: Iterable[CapabilityProfile] = (), needs: Iterable[Need] = ()) -> None:
        """Bulk (re)build of both indexes."""
        self.profiles.build(list(profiles))
        self.needs.build(list(needs))

    def upsert_profile(self, p: CapabilityProfile) -> None:
        self.profiles.add(p)

    def upsert_need(self, n: Need) -> None:
        self.needs.add(n)

    def remove_profile(self, profile_id: str) -> bool:
        return self.profiles.remove(profile_id)

    def remove_need(self, need_id: str) -> bool:
        return self.needs.remove(need_id)

    @property
    def needs_rebuild(self) -> bool:
        """True once a delta buffer is large enough that searching it in Python costs more than a rebuild
        saves."""
        return max(self.profiles.lex.delta_size, self.needs.lex.delta_size) >= self.rebuild_at_delta

    def rebuild(self) -> None:
        self.profiles.rebuild()
        self.needs.rebuild()

    def copy(self) -> MatchingEngine:
        """An independent copy that can be updated while readers keep searching this one (copy-on-write): it
        shares only what no write changes in place, so it costs a fraction of a rebuild."""
        other = MatchingEngine(self.analyzer, self.weights, self.rebuild_at_delta)
        other.profiles, other.needs = self.profiles.copy(), self.needs.copy()
        return other

    def stats(self) -> dict[str, IndexStats]:
        return {"profiles": self.profiles.stats(), "needs": self.needs.stats()}

    # -- reads --

    def suppliers_for(self, need: Need | str, k: int = 10, show_excluded: int = 3,
                      region_is_hard: bool = False) -> MatchResult:
        n = need if isinstance(need, Need) else self._need(need)
        return self._search(self.profiles, n, k, show_excluded, region_is_hard)

    def needs_for(self, profile: CapabilityProfile | str, k: int = 10, show_excluded: int = 3,
                  region_is_hard: bool = False) -> MatchResult:
        p = profile if isinstance(profile, CapabilityProfile) else self._profile(profile)
        return self._search(self.needs, p, k, show_excluded, region_is_hard)

    def _need(self, need_id: str) -> Need:
        doc = self.needs.docs[self.needs.rows[need_id]]
        assert isinstance(doc, Need)
        return doc

    def _profile(self, profile_id: str) -> CapabilityProfile:
        doc = self.profiles.docs[self.profiles.rows[profile_id]]
        assert isinstance(doc, CapabilityProfile)
        return doc

    def _query(self, side: _Side, doc: Need | CapabilityProfile) -> _Query:
        head, body = side._fields(doc)
        head_tokens = self.analyzer.tokens(head)
        body_tokens = self.analyzer.tokens(body)
        weight: dict[int, float] = {}
        for toks, w in ((body_tokens, 1.0), (head_tokens, HEAD_QUERY_WEIGHT)):
            for tid in side.lex.query_ids([t.term for t in toks]):
                weight[tid] = max(weight.get(tid, 0.0), w)
        terms = sorted(weight.items(), key=lambda tw: -side.lex.idf(tw[0]) * tw[1])[:MAX_QUERY_TERMS]
        mass = sum(w * side.lex.idf(tid) for tid, w in terms)
        return _Query(doc.id, terms, head_tokens + body_tokens, mass)

    def _search(self, side: _Side, doc: Need | CapabilityProfile, k: int, show_excluded: int,
                region_is_hard: bool) -> MatchResult:
        st = side.st
        n = st.n
        q = self._query(side, doc)
        bm25 = side.lex.score(q.terms, n).astype(np.float64)
        full = q.mass / (1.0 + side.lex.k1)
        text = np.minimum(bm25 / full, 1.0) if full > 0 else np.zeros(n)

        domains = doc.domains
        dom = st.domain_fit(domains)
        reg = self._region_fit(side, doc)
        if isinstance(doc, Need):
            bud = range_fit(to_float(doc.budget_min_cny, 0.0), to_float(doc.budget_max_cny, math.inf),
                            st.lo[:n], st.hi[:n])
            if all(qn in st.quals.bits for qn in doc.required_qualifications):
                lacking = st.quals.not_covered(st.quals.mask(doc.required_qualifications), n)
            else:
                # No candidate on this side has ever declared that qualification, so none can meet it.
                lacking = np.ones(n, dtype=np.bool_)
        else:
            bud = range_fit(to_float(doc.price_min_cny, 0.0), to_float(doc.price_max_cny, math.inf),
                            st.lo[:n], st.hi[:n])
            lacking = st.quals.rows_lacking(st.quals.mask(doc.qualifications), n)
        w = self.weights
        score = (w.text * text + w.domain * dom + w.region * reg + w.budget * bud) / w.total()
        # Nothing in common in the text means no recommendation, however well the structure fits.
        live = st.live[:n] & (bm25 > 0)
        excluded = lacking.copy()
        if region_is_hard:
            excluded |= reg <= 0.0
        ok = live & ~excluded
        bad = live & excluded

        ranked = self._top(score, ok, k)
        near = self._top(score, bad, show_excluded)
        matches = tuple(self._explain(side, q, doc, int(r), float(score[r]), float(text[r]), float(dom[r]),
                                      float(reg[r]), float(bud[r]), False, region_is_hard) for r in ranked)
        ex = tuple(self._explain(side, q, doc, int(r), float(score[r]), float(text[r]), float(dom[r]),
                                 float(reg[r]), float(bud[r]), True, region_is_hard) for r in near)
        return MatchResult(doc.id, matches, ex, int(live.sum()))

    @staticmethod
    def _top(score: F64, mask: npt.NDArray[np.bool_], k: int) -> list[int]:
        if k <= 0:
            return []
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return []
        s = score[idx]
        if idx.size > k:
            part = np.argpartition(-s, k - 1)[:k]
            idx, s = idx[part], s[part]
        # Ties broken by row (i.e. insertion order) so results are deterministic.
        order = np.lexsort((idx, -s))
        return [int(i) for i in idx[order]]

    def _region_fit(self, side: _Side, doc: Need | CapabilityProfile) -> F64:
        st = side.st
        n = st.n
        if isinstance(doc, Need):
            if not doc.regions:
                return np.ones(n)
            cover = st.regions.mask(st.region_cover_codes(doc.regions))
            desc = st.regions.mask(st.region_desc_codes(doc.regions))
            full = st.regions.any_overlap(cover, n)
            part = st.regions.any_overlap(desc, n)
        else:
            served = list(doc.regions_served)
            full = st.region_cover.any_overlap(st.region_cover.mask(served), n)
            part = st.region_desc.any_overlap(st.region_desc.mask(served), n)
            full = full | ~st.has_region[:n]
        return np.where(full, 1.0, np.where(part, 0.5, 0.0))

    # -- explanations --

    def _explain(self, side: _Side, q: _Query, query_doc: Need | CapabilityProfile, row: int, score: float,
                 text: float, dom: float, reg: float, bud: float, excluded: bool,
                 region_is_hard: bool) -> Match:
        cand = side.docs[row]
        assert cand is not None
        head, body = side._fields(cand)
        cand_tokens = self.analyzer.tokens(head) * TITLE_REPEAT + self.analyzer.tokens(body)
        dl = side.lex.doc_len(row) or len(cand_tokens)
        tf: dict[str, int] = {}
        cand_forms: dict[str, set[str]] = {}
        for t in cand_tokens:
            tf[t.term] = tf.get(t.term, 0) + 1
            cand_forms.setdefault(t.term, set()).add(t.surface)
        q_forms: dict[str, set[str]] = {}
        for t in q.tokens:
            q_forms.setdefault(t.term, set()).add(t.surface)
        parts: list[tuple[str, float]] = []
        for tid, w in q.terms:
            term = side.lex.term(tid)
            if term not in tf:
                continue
            parts.append((term, w * side.lex.term_value(tid, tf[term], dl)))
        total = sum(v for _, v in parts) or 1.0
        parts.sort(key=lambda tv: -tv[1])
        terms = tuple(
            TermMatch(
                term=self.analyzer.display(term),
                query_forms=tuple(sorted(q_forms.get(term, set()))),
                candidate_forms=tuple(sorted(cand_forms.get(term, set()))),
                bm25=v,
                share=v / total,
            )
            for term, v in parts
        )
        fields = (
            FieldFit("domain", dom, *self._domain_reason(query_doc, cand)),
            FieldFit("region", reg, *self._region_reason(query_doc, cand, reg)),
            FieldFit("budget", bud, *self._budget_reason(query_doc, cand, bud)),
        )
        exclusions: tuple[Exclusion, ...] = ()
        if excluded:
            exclusions = self._exclusions(query_doc, cand, reg, region_is_hard)
        return Match(cand.id, score, Explanation(text, terms, fields, exclusions), excluded)

    @staticmethod
    def _pair(a: Need | CapabilityProfile, b: Need | CapabilityProfile) -> tuple[Need, CapabilityProfile]:
        if isinstance(a, Need):
            assert isinstance(b, CapabilityProfile)
            return a, b
        assert isinstance(b, Need)
        return b, a

    def _domain_reason(self, a: Need | CapabilityProfile, b: Need | CapabilityProfile
                       ) -> tuple[str, dict[str, Any]]:
        need, prof = self._pair(a, b)
        shared = sorted(set(need.domains) & set(prof.domains))
        if shared:
            return "domain_match", {"domains": shared}
        tops = sorted({d.split(".")[0] for d in need.domains} & {d.split(".")[0] for d in prof.domains})
        if tops:
            return "domain_top_match", {"domains": tops}
        if not need.domains:
            return "domain_unspecified", {}
        return "domain_mismatch", {"need_domains": list(need.domains), "supplier_domains": list(prof.domains)}

    def _region_reason(self, a: Need | CapabilityProfile, b: Need | CapabilityProfile, v: float
                       ) -> tuple[str, dict[str, Any]]:
        need, prof = self._pair(a, b)
        if not need.regions:
            return "region_unspecified", {}
        code = "region_served" if v >= 1.0 else "region_partial" if v > 0 else "region_not_served"
        return code, {"regions": list(need.regions), "served": list(prof.regions_served)}

    def _budget_reason(self, a: Need | CapabilityProfile, b: Need | CapabilityProfile, v: float
                       ) -> tuple[str, dict[str, Any]]:
        need, prof = self._pair(a, b)

        def num(x: object) -> str | None:
            return None if x is None else str(x)

        code = "budget_within" if v >= 1.0 else "budget_unknown" if v == 0.5 else "budget_outside"
        return code, {"price_min": num(prof.price_min_cny), "price_max": num(prof.price_max_cny),
                      "budget_min": num(need.budget_min_cny), "budget_max": num(need.budget_max_cny)}

    def _exclusions(self, a: Need | CapabilityProfile, b: Need | CapabilityProfile, reg: float,
                    region_is_hard: bool) -> tuple[Exclusion, ...]:
        need, prof = self._pair(a, b)
        out: list[Exclusion] = []
        missing = tuple(q for q in need.required_qualifications if q not in set(prof.qualifications))
        if missing:
            out.append(Exclusion(Constraint.QUALIFICATION, "qualification_missing", {"missing": list(missing)},
                                 missing))
        if region_is_hard and reg <= 0.0:
            out.append(Exclusion(Constraint.REGION, "region_excluded", {"regions": list(need.regions)}))
        return tuple(out)
