import pytest

from bot.coach.tips import TIPS


def test_three_tips_with_titles() -> None:
    assert len(TIPS) == 3
    assert all(tip.title.strip() and tip.text.strip() for tip in TIPS)


@pytest.mark.parametrize(
    ("index", "facts"),
    [
        (0, ("1 or 2", "More than 2", "harder")),
        (1, ("4-6", "6 reps", "10 lb", "3 reps or fewer", "5 lb")),
        (2, ("Protein powder", "Creatine", "pre-workout")),
    ],
)
def test_tip_keeps_the_articles_facts(index: int, facts: tuple[str, ...]) -> None:
    text = TIPS[index].text
    assert all(fact in text for fact in facts)
