"""The status line kept pinned in each partner's chat (`bot.core.status`): the parts it is made
of, joined with " · " ("💛 Day 1,234 together · 12 days until you meet · evening question at
20:30"). Short: a chat app shows one line of a pinned message."""

# The days together, counted from day 1: the anniversary, or the day they paired.
PINNED_DAY = "💛 Day {day} together"
# While apart with a date to meet again (/apart until …, /meet).
PINNED_MEET = {"one": "{count} day until you meet", "other": "{count} days until you meet"}
PINNED_MEET_TODAY = "you meet today"
PINNED_EVENING = "evening question at {time}"
PINNED_PAUSED = "questions paused until {day}"
