"""Levels from the XP curve (settings.REWARDS_LEVEL_CURVE): level 1 from 0 XP, level
n+1 from the curve's n-th value; past its end, every level needs the last step again."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class LevelInfo:
    level: int
    level_xp: int  # XP at which this level starts
    next_level_xp: int  # XP at which the next one starts

    def progress(self, xp: int) -> float:
        span = self.next_level_xp - self.level_xp
        return round(min(1.0, max(0.0, (xp - self.level_xp) / span)), 4) if span > 0 else 1.0


def curve() -> list[int]:
    values = [int(v) for v in settings.REWARDS_LEVEL_CURVE]
    if not values or values[0] <= 0 or any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ImproperlyConfigured(
            "REWARDS_LEVEL_CURVE must be increasing positive XP values, e.g. 100,250,500"
        )
    return values


def level_for(xp: int) -> LevelInfo:
    thresholds = [0, *curve()]
    for index in range(len(thresholds) - 1):
        if xp < thresholds[index + 1]:
            return LevelInfo(level=index + 1, level_xp=thresholds[index], next_level_xp=thresholds[index + 1])
    step = thresholds[-1] - thresholds[-2]
    extra = (xp - thresholds[-1]) // step
    start = thresholds[-1] + extra * step
    return LevelInfo(level=len(thresholds) + extra, level_xp=start, next_level_xp=start + step)
