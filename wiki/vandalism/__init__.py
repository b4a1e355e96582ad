"""The vandalism score: a pure function from an edit to a score in [0, 1] and its reasons.

``features.extract`` turns an :class:`Edit` into named features; ``model.score`` weighs them
with a committed logistic regression (``data/model-v1.json``, trained by
``scripts/train_vandalism_model.py`` on a dataset made by ``scripts/make_vandalism_dataset.py``)
and says which features pushed the score up, as translatable messages.
"""

from wiki.vandalism.features import Edit, extract
from wiki.vandalism.model import Reason, Scored, badge, score

__all__ = ["Edit", "Reason", "Scored", "badge", "extract", "score"]
