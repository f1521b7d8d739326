"""The experts app's draw leaves out experts named by another module's rule (`excluded_experts`), with the reason
recorded among the exclusions, and otherwise draws as before."""

from aiplus.experts import draws


def test_named_experts_are_excluded_with_their_reason() -> None:
    pool = [draws.Pooled(expert_id=i, fields=("industry",), jurisdiction_id=1) for i in range(1, 7)]
    plain = draws.eligibility(pool, fields=["industry"], jurisdiction_ids=[1], parents={}, conflicted=[])
    named = draws.eligibility(pool, fields=["industry"], jurisdiction_ids=[1], parents={}, conflicted=[],
                              excluded_experts={2: "committee_member", 5: "committee_member"})
    assert plain.candidate_ids == (1, 2, 3, 4, 5, 6) and not plain.excluded
    assert named.candidate_ids == (1, 3, 4, 6)
    assert [(e, [r.code for r in reasons]) for e, reasons in named.excluded] == [
        (2, ["committee_member"]), (5, ["committee_member"])]
