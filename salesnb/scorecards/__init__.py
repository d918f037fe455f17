"""Lead scorecards (意向评分卡): versioned definitions, complete-or-refuse saving, A/B/C grading.

``save_lead(session, lead, answers, actor)`` refuses an incomplete card with a
message per missing field, grades on save, and promotes grade-A leads (manager
notification + 新品优先体验池) in the same transaction; ``grade_leads(engine)``
grades in batch; ``grades_frame(engine)`` reads grades as a DataFrame; ``save_new_lead`` creates a lead (and a
new customer) from the app, card checked first, its first-response task started at once.
"""

from .definition import DEFAULT_NAME, DEFAULT_POOL, Card, CardField, compile_card, default_definition
from .grading import GradeReport, GradeResult, IncompleteScorecard, check_answers, grade_leads, grades_frame, save_lead
from .new_lead import FIRST_RESPONSE_NODE, create_customer, save_new_lead, start_first_response
from .store import get_scorecard, list_scorecards, save_scorecard

__all__ = [
    "DEFAULT_NAME", "DEFAULT_POOL", "Card", "CardField", "compile_card", "default_definition",
    "GradeReport", "GradeResult", "IncompleteScorecard", "check_answers", "grade_leads", "grades_frame", "save_lead",
    "get_scorecard", "list_scorecards", "save_scorecard",
    "FIRST_RESPONSE_NODE", "create_customer", "save_new_lead", "start_first_response",
]
