from decimal import Decimal

import pytest

from bot.coach.calibration import Bias
from bot.coach.units import Unit
from bot.coach.warmups import WarmupSet
from bot.texts.coaching import bias_text, warmup_text


def test_warmup_text() -> None:
    ramp = (WarmupSet(Decimal(20), 10), WarmupSet(Decimal("47.5"), 5))
    assert warmup_text(ramp, Unit.KG) == (
        "Warm up first (these don't count): 20 kg x 10, 47.5 kg x 5."
    )
    assert warmup_text((), Unit.LB) is None


@pytest.mark.parametrize(
    ("bias", "said"),
    [
        (Bias(Decimal(1), 1), "After one more all-out last set I'll know"),
        (Bias(Decimal(0), 0), "After 2 more all-out last sets I'll know"),
        (Bias(Decimal("0.4"), 5), "You judge your reps left about right."),
        (Bias(Decimal("2.1"), 5), "You leave about 2 reps more in the tank"),
        (Bias(Decimal("-1.2"), 3), "You have about 1 rep fewer left than you think"),
    ],
)
def test_bias_text(bias: Bias, said: str) -> None:
    assert bias_text(bias).startswith(said)
