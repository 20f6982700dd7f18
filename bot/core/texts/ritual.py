"""Our weekly check-in (/settings): on the day the couple picks, that evening's question is
three short ones, asked in turn and revealed together."""

# The three questions, in the order they are asked (`bot.core.ritual.QUESTIONS`). Each partner
# answers for themselves: "me" is the one answering.
RITUAL_QUESTIONS = {
    "well": "What went well for us this week?",
    "hard": "What was hard for me this week, outside us?",
    "love": "One thing I'd love this week?",
}
RITUAL_TITLE = "Our weekly check-in"
RITUAL_PROMPT = (
    "🗓 Our weekly check-in: three short questions tonight, one at a time.\n\n"
    "1/{count} · {question}\n\n"
    "Just reply to answer. {partner} sees your answers once you've both answered all three."
)
RITUAL_NEXT = "Thank you 💌 Next, {number}/{count}:\n{question}"
RITUAL_SEALED = (
    "Thank you 💌 That's all three. They stay sealed until {partner} has answered all three too."
)
RITUAL_REPLACED = "Updated your answer to “{question}”. {partner} will see this one instead."
RITUAL_REVEAL = "🗓 {partner}'s weekly check-in:\n\n{answers}"
RITUAL_REVEAL_ANSWER = "“{question}”\n{answer}"
RITUAL_NO_SKIP = (
    "Your weekly check-in stays as it is tonight. A few words for each question are plenty."
)
# /settings → Our weekly check-in.
SETTINGS_RITUAL_DAY = "• Our weekly check-in: {day}"
SETTINGS_RITUAL_OFF = "• Our weekly check-in: off"
RITUAL_MENU = (
    "🗓 Our weekly check-in: once a week, on the day you pick, that evening's question becomes "
    "three short ones, asked one after the other:\n{questions}\n\n"
    "You each see the other's three answers once you've both answered all three. Either of you "
    "can pick the day or turn it off."
)
RITUAL_OFF_BUTTON = "Off"
RITUAL_SET = (
    "Done: your weekly check-in comes every {day} evening, in place of that evening's question."
)
RITUAL_SET_TOLD = (
    "{partner} chose {day} evenings for your weekly check-in: three short questions in place "
    "of that evening's question. /settings to change it."
)
RITUAL_OFF_DONE = "Your weekly check-in is off. Every evening brings its usual question."
RITUAL_OFF_TOLD = (
    "{partner} turned your weekly check-in off. Every evening brings its usual question."
)
# In a reveal, an answer that was a voice note or a photo (sent right after, on its own).
RITUAL_MEDIA_ANSWER = "({media}, below)"
