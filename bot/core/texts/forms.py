"""Forms of words: lengths of time, how dates are written (Babel patterns), stand-in words."""

# Lengths of time (`words.duration`).
MINUTES = {"one": "{count} minute", "other": "{count} minutes"}
HOURS = {"one": "{count} hour", "other": "{count} hours"}
DAYS = {"one": "{count} day", "other": "{count} days"}

# How dates and times are written: Babel patterns (`words.when`), one per use.
DATE_PATTERNS = {
    "day": "EEE dd MMM",  # paused until, apart until: "Thu 03 Sep"
    "month": "MMMM y",  # when an earlier answer was given: "March 2027"
    "weekday_day": "EEE d",  # a day button: "Thu 3"
    "day_time": "EEE d MMM 'at' HH:mm",  # a date night: "Thu 3 Sep at 19:30"
    "clock": "HH:mm",  # "it's 20:30 there now"
    "weekday_clock": "EEE HH:mm",  # the console's `:now`: "Thu 20:30"
    "full_date": "d MMM y",  # an anniversary, a birthday with its year: "14 Jun 2019"
    "day_month": "d MMMM",  # a birthday: "20 June"
}

# When the next evening question comes ("the next one comes {when} at {time}").
TONIGHT = "tonight"
TOMORROW = "tomorrow"

# Words that stand in for a missing one.
YOUR_PARTNER = "your partner"
ONE_OF_YOU = "One of you"
PROMPT_MISSING = "What's on your mind tonight?"
TONIGHTS_QUESTION = "tonight's question"
TODAYS_QUESTION = "today's question"

# Words people type, read in their language as well as English (`bot.core.typed`): each is one
# or more alternatives separated by "|", compared without case, accents or a trailing dot.
INPUT_TODAY = "today"
INPUT_TOMORROW = "tomorrow"
INPUT_CANCEL = "cancel"
INPUT_UNTIL = "until"
INPUT_DAYS = "days|day"
