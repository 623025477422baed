"""Tests for bot.charts: progress charts as PNG bytes."""

from __future__ import annotations

import inspect
import io
import struct
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PIL import Image

import bot.charts
from bot.charts import MIN_POINTS, ProgressPoint, render_progress_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def points(count: int, *, seed: int = 0, start: date = date(2024, 1, 2)) -> list[ProgressPoint]:
    """A plausible training history: load creeping up, reps wandering 5..11."""
    out = []
    weight = Decimal(60) + seed * 5
    for i in range(count):
        reps = 5 + (i * 7 + seed) % 7
        weight += Decimal("2.5") if i % 3 == 0 else 0
        e1rm = (weight * (1 + Decimal(reps) / 30)).quantize(Decimal("0.1"))
        out.append(ProgressPoint(start + timedelta(days=3 * i), e1rm, weight, reps))
    return out


def render(pts: list[ProgressPoint], **overrides: object) -> bytes:
    kwargs: dict[str, object] = {
        "exercise_name": "Barbell row",
        "unit": "kg",
        "rep_lo": 6,
        "rep_hi": 10,
        **overrides,
    }
    return render_progress_chart(pts, **kwargs)  # type: ignore[arg-type]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_valid_chart(data: bytes) -> None:
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert 1000 <= width <= 1200
    assert 1000 <= height <= 1200
    assert 10_000 <= len(data) <= 300_000
    assert data.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("count", [2, 3, 12, 100, 200])
def test_renders_a_png_about_1080_square(count: int) -> None:
    data = render(points(count))
    assert_valid_chart(data)
    assert png_size(data) == (1080, 1080)


def test_png_is_small_enough_for_telegram() -> None:
    assert len(render(points(200))) < 200_000


def test_background_is_white_and_the_image_decodes() -> None:
    image = Image.open(io.BytesIO(render(points(12)))).convert("RGB")
    assert image.size == (1080, 1080)
    for corner in ((0, 0), (1079, 0), (0, 1079), (1079, 1079)):
        assert image.getpixel(corner) == (255, 255, 255)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 50  # lines, text and the band are drawn, not a blank page


@pytest.mark.parametrize("count", [0, 1])
def test_too_few_points_raise(count: int) -> None:
    assert MIN_POINTS == 2
    with pytest.raises(ValueError, match="at least 2 points"):
        render(points(count))


def test_inverted_rep_range_raises() -> None:
    with pytest.raises(ValueError, match="rep_lo"):
        render(points(5), rep_lo=10, rep_hi=6)


@pytest.mark.parametrize(
    "pts",
    [
        pytest.param(list(reversed(points(10))), id="unsorted"),
        pytest.param([points(1)[0], points(1)[0]], id="same-day"),
        pytest.param(
            [ProgressPoint(date(2024, 1, d), Decimal(0), Decimal(0), 12) for d in (1, 8)],
            id="bodyweight-zero",
        ),
        pytest.param(
            [ProgressPoint(date(2020 + y, 1, 1), Decimal(300), Decimal(250), 3) for y in range(5)],
            id="flat-over-years",
        ),
        pytest.param(
            [ProgressPoint(date(2024, 1, 1), Decimal("1e3"), Decimal(1), 100), *points(2)],
            id="extremes",
        ),
    ],
)
def test_awkward_histories_still_render(pts: list[ProgressPoint]) -> None:
    assert_valid_chart(render(pts))


def test_single_rep_target_and_long_names_render() -> None:
    name = "Dumbbell rear lateral raise (chest supported, slow eccentric)"
    assert_valid_chart(render(points(8), rep_lo=5, rep_hi=5, exercise_name=name, unit="lb"))


def test_renders_from_several_threads_at_once() -> None:
    jobs = [
        (points(20 + 10 * i, seed=i), f"Exercise {i}", "kg" if i % 2 else "lb") for i in range(8)
    ]
    expected = [render(p, exercise_name=n, unit=u) for p, n, u in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda job: render(job[0], exercise_name=job[1], unit=job[2]), jobs)
        )
    for data, alone in zip(results, expected, strict=True):
        assert_valid_chart(data)
        assert data == alone  # no state leaks between concurrent renders


def test_uses_the_object_api_not_pyplot() -> None:
    source = inspect.getsource(bot.charts)
    assert "matplotlib.pyplot" not in source
    assert "import pyplot" not in source
    assert "matplotlib.use(" not in source
