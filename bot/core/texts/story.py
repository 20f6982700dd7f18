"""/story: the couple's shared history as a book (a PDF), and the words printed in it."""

# The chat messages.
STORY_READY = (
    "📖 Your story so far: {evenings}, from {start} to {end}. It's yours to keep: "
    "I made it just now and don't keep a copy."
)
STORY_READY_YEAR = (
    "📖 Your story in {year}: {evenings}, from {start} to {end}. It's yours to keep: "
    "I made it just now and don't keep a copy."
)
STORY_EVENINGS = {
    "one": "{number} evening answered together",
    "other": "{number} evenings answered together",
}
STORY_SPLIT = "It's too big for one file here, so it comes in {parts} parts, one per half-year."
STORY_EMPTY = (
    "Your story begins with the first question you both answer. Once you have, /story makes "
    "your evenings into a book to keep."
)
STORY_EMPTY_YEAR = (
    "No evenings answered together in {year} yet. /story on its own makes the book of all of them."
)
STORY_BAD_YEAR = "Send /story for your whole story, or a year, like /story 2026."
STORY_TOLD = (
    "📖 {partner} made your story together into a book. Whenever you'd like your own copy, "
    "send /story."
)
STORY_OFFER_EVENINGS = (
    "📖 {evenings}. Would you like them as a book to keep: every question, both your answers?"
)
STORY_OFFER_ANNIVERSARY = "📖 Your story so far could be a book to keep, whenever you'd like it."
STORY_BUTTON = "📖 Our story"

# Printed in the book. Answers are printed as written; these are the bot's few words around them.
BOOK_TITLE = "Our story"
BOOK_NAMES = "{first} & {second}"
BOOK_SPAN = "{start} – {end}"
BOOK_DAYS_TOGETHER = {"one": "{number} day together", "other": "{number} days together"}
BOOK_MADE = "Made for the two of you on {day}. Only what you have both seen is in it."
BOOK_PART = "Part {part} of {parts}"
BOOK_MEDIA = "Shared: {media}"
BOOK_NO_ANSWER = "(no words)"
BOOK_WINS = "Wins"
BOOK_GOALS = "Goals reached"
BOOK_DATES = "Dates"
BOOK_DATE_LOVELY = "{day} · lovely"
BOOK_MILESTONES = "Milestones"
BOOK_PICTURE = "The weeks up to {day}"
