"""The parser against the hand-checked gold labels in ../shared/corpus/gold: every labelled report, in every
layout (PDF, Markdown, text, HTML, the run-together 平潭 pages)."""

from conftest import requires_shared
from nianbao import paths
from nianbao.measure.evaluate import score_corpus, summary


@requires_shared
def test_gold_accuracy_template_year_and_findings():
    scores = score_corpus(paths.CORPUS_REPORTS, paths.GOLD)
    assert len(scores) >= 15
    assert {s.file.rsplit(".", 1)[1] for s in scores} >= {"pdf", "md", "txt", "html"}
    result = summary(scores)
    wrong = [w for s in scores for w in s.wrong]
    assert result["accuracy"] >= 0.995, wrong
    assert result["nonzero_accuracy"] >= 0.995, wrong
    for s in scores:
        assert s.template_ok and s.year_ok, s.file
        assert s.checks_ok, (s.file, s.missed_checks, s.extra_checks)
