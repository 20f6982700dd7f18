"""/progress, the weekly recap's counts, the progress picture, milestones."""

# /progress.
PROGRESS_COLUMNS = "This week · all time"
PROGRESS_LABELS = {
    "checkins": "Evenings you both checked in",
    "conversations": "Conversations completed",
    "appreciations": "Appreciations",
    "goodnews": "Good news shared",
    "goals": "Goals reached",
    "dates": "Dates",
    "affection": "Affection moments",
    "wins": "Wins logged",
}
PROGRESS_LINE = "{label}: {week} · {total}"
PROGRESS_APPRECIATIONS_BY = "   {sender} → {receiver}: {week} · {total}"
PROGRESS_IN_RHYTHM = "\n🌿 {weeks} of the last 4 weeks had {evenings} or more evenings together."
PROGRESS_NOT_YET = "\n🌿 Every evening you answer together counts. Tonight is a good one to start."
# The weekly recap's "3 evenings checked in together, 2 appreciations, 1 win".
RECAP_COUNTS = {
    "checkins": {
        "one": "{count} evening checked in together",
        "other": "{count} evenings checked in together",
    },
    "conversations": {"one": "{count} conversation", "other": "{count} conversations"},
    "appreciations": {"one": "{count} appreciation", "other": "{count} appreciations"},
    "goodnews": {"one": "{count} piece of good news", "other": "{count} pieces of good news"},
    "goals": {"one": "{count} goal reached", "other": "{count} goals reached"},
    "dates": {"one": "{count} date", "other": "{count} dates"},
    "affection": {"one": "{count} affection moment", "other": "{count} affection moments"},
    "wins": {"one": "{count} win", "other": "{count} wins"},
}
# The /progress picture.
PICTURE_TITLE = "{names} · the last {weeks} weeks"
PICTURE_ALL_TIME = "all time"
PICTURE_COUNTS = {
    "checkins": {"one": "{count} evening", "other": "{count} evenings"},
    "conversations": {"one": "{count} conversation", "other": "{count} conversations"},
    "appreciations": {"one": "{count} appreciation", "other": "{count} appreciations"},
    # Good news is uncountable in English; a label under "all time" reads "3 good news".
    "goodnews": {"one": "{count} good news", "other": "{count} good news"},
    "goals": {"one": "{count} goal", "other": "{count} goals"},
    "dates": {"one": "{count} date", "other": "{count} dates"},
    "affection": {"one": "{count} hug", "other": "{count} hugs"},
    "wins": {"one": "{count} win", "other": "{count} wins"},
}

# Milestones, celebrated to both with a line from content/.
MILESTONE = "🎉 {what}\n{line}"
MILESTONES = {
    "first-reveal": "Your first conversation together.",
    "conversations-7": "7 conversations together.",
    "conversations-30": "30 conversations together.",
    "conversations-100": "100 conversations together.",
    "appreciations-10": "10 appreciations between you.",
    "appreciations-50": "50 appreciations between you.",
    "first-goal": "Your first shared goal reached.",
    "month": "A month since you paired.",
}
DATE_WIN = "Date night 🕯️"  # the win a lovely date is logged as
