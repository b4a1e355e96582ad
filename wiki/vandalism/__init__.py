"""The vandalism score: a pure function from an edit to a score in [0, 1] and its reasons.

``features.extract`` turns an :class:`Edit` into named features (``claims`` adds the
claim-by-claim signals for hoaxes); ``model.score`` weighs them with a committed, calibrated
logistic regression (``data/model-v2.json``, trained by ``scripts/train_vandalism_model.py``
on a dataset made by ``scripts/make_vandalism_dataset.py``, calibrated and measured on the
independent ``tests/data/vandalism-dev``), keeps the editor's share apart from the content's,
and ``reasons`` says which features pushed the score up, as translatable messages naming the
changed text.
"""

from wiki.vandalism.features import Edit, extract
from wiki.vandalism.model import Scored, badge, score
from wiki.vandalism.reasons import Reason

__all__ = ["Edit", "Reason", "Scored", "badge", "extract", "score"]
