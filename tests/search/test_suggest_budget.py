"""“您是不是要找” costs a bounded amount of work: searches and indexed words compared, whatever the query."""
import pytest

from search.query import parse_query
from search.suggest import SEARCH_BUDGET, VOCABULARY_BUDGET, SearchBudgetExhausted, Suggester

pytestmark = pytest.mark.usefixtures("search_engine")

# Four clauses of 13 to 20 characters, each with one wrong character.
FOUR_LONG_MISSPELT_CLAUSES = ("智能制照产业连发展税收优惠政策落实情况 产业链供应链协同创新能力提生工作 "
                              "新能源汽车产业发展规化建设 中小企业融资难问题解决办发")


def test_four_long_misspelt_clauses_stay_within_the_budgets(seed_archive, db):
    suggester = Suggester({})
    try:
        suggester.suggest(parse_query(FOUR_LONG_MISSPELT_CLAUSES))
    except SearchBudgetExhausted:
        pass
    # Before the budgets this query made 95 searches over the seeds (0.9 s).
    assert 0 < suggester.searches <= SEARCH_BUDGET <= 30
    assert 0 < suggester.words_compared <= VOCABULARY_BUDGET


def test_the_vocabulary_compared_is_bounded_too(seed_archive, db):
    suggester = Suggester({}, vocabulary_budget=2_000)
    with pytest.raises(SearchBudgetExhausted):
        suggester.suggest(parse_query(FOUR_LONG_MISSPELT_CLAUSES))
    assert suggester.words_compared <= 2_000 and suggester.searches < SEARCH_BUDGET
    assert Suggester({}).suggest(parse_query("智能制照")) == "智能制造", "an ordinary misspelling is still caught"
