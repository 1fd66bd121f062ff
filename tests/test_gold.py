"""The parser against the hand-checked gold labels in ../shared/corpus/gold (issue 2's scope)."""

from nianbao import paths
from nianbao.evaluate import score_corpus, summary

from conftest import requires_shared

# Text, Markdown and HTML reports with gold labels; the run-together 平潭 pages and the PDFs come next.
IN_SCOPE = {
    "seed_000_9677d3c1872ed6d0.txt", "seed_001_56f5555d755fa9b7.txt", "seed_002_5b55b1c1d9ddb321.txt",
    "seed_003_b895455aa8998ba0.txt", "seed_004_1a1a63d5f29059ac.txt", "kiro_003.md", "kiro_005.txt", "shjs_001.html",
}


@requires_shared
def test_gold_accuracy_template_year_and_findings():
    scores = score_corpus(paths.CORPUS_REPORTS, paths.GOLD, IN_SCOPE)
    assert {s.file for s in scores} == IN_SCOPE
    result = summary(scores)
    wrong = [w for s in scores for w in s.wrong]
    assert result["accuracy"] >= 0.99, wrong
    assert result["nonzero_accuracy"] >= 0.99, wrong
    for s in scores:
        assert s.template_ok and s.year_ok, s.file
        assert s.checks_ok, (s.file, s.missed_checks, s.extra_checks)
