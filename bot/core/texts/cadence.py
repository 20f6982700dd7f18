"""A rhythm each couple sets (/evenings, /settings): how many evening questions a week, a
quieter stretch when the questions go unanswered, and the week's nudges as one Sunday digest."""

# How many evenings a week bring a question ({count} is 3 to 7): {evenings} below.
EVENINGS_A_WEEK = {"one": "{count} evening a week", "other": "{count} evenings a week"}
# /evenings: {days} are the weekdays that bring a question ("Wed, Fri, Sun").
EVENINGS_NOW = "Right now the evening question comes {evenings}: {days}."
EVENINGS_HOW = "To choose, send /evenings with a number from 3 to 7 (like /evenings 4), or tap:"
EVENINGS_SET = "Done: an evening question {evenings}, on {days} 🌙"
EVENINGS_TOLD = "{partner} chose an evening question {evenings}: {days} 🌙"
EVENINGS_BAD = (
    "I can bring an evening question 3 to 7 evenings a week. Send a number, like /evenings 4 🙂"
)
# The /settings line, and the one shown while it is quieter.
SETTINGS_EVENINGS = "• Evening questions {evenings}: {days}"
SETTINGS_QUIET = "• Quieter for now: a question every other evening, until one of you answers"

# Said once to both, when neither has answered seven evening questions in a row.
QUIET_NOTICE = (
    "Life gets full sometimes, and that's okay 💛 For now I'll bring a question every other "
    "evening. As soon as one of you answers, your usual evenings come back."
)

# The Sunday digest (/settings): the week's nudges in one message.
DIGEST = "🌿 A few ideas for your week, all in one message:\n\n{ideas}"
DIGEST_AFFECTION = "🤗 A small idea to try this week:\n{prompt}"
