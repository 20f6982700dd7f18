"""The daily rhythm: the evening question, answers and the reveal, nudges, /checkin, /time,
/pause, /settings, apart and together."""

# The daily rhythm.
EVENING_CHECKIN = (
    "🌙 Tonight's check-in:\n{prompt}\n\n"
    "Just reply to answer. {partner} sees it once you've both answered."
)
EVENING_CURIOSITY = (
    "🌙 A question for tonight:\n{prompt}\n\n"
    "Just reply to answer. {partner} sees it once you've both answered."
)
EVENING_PHOTO = (
    "📷 A photo moment:\n{prompt}\n\n"
    "Just reply to answer with a photo. {partner} sees it once you've both answered."
)
EVENING_CALLBACK = (
    "💭 Still true?\nIn {when} you answered “{prompt}” with:\n“{quote}”\n\n"
    "Is it still true, or has something changed? Just reply to answer. {partner} sees it once "
    "you've both answered."
)
EVENING_GUESS = (
    "🎲 A guessing round:\nWhat do you think {partner} answered to “{prompt}”?\n\n"
    "Just reply to answer with your guess. Once you've both guessed, you'll each see what the "
    "other said back then."
)
GUESS_REVEAL = (
    "🎲 {partner} answered “{prompt}” with:\n{theirs}\nYour guess: {my_guess}\n\n"
    "{partner} guessed you'd said: {their_guess}\nYou'd said: {mine}\n\n"
    "Close? Ask about it tonight."
)
LOVE_MAPS_BUTTON = "Love maps"
LOVE_MAPS = (
    "Love maps bring your own answers back, so you keep learning each other. Either of you can "
    "turn each of these on or off for you both:"
)
LOVE_MAP_LABELS = {
    "callbacks_on": "“Still true?” about an earlier answer",
    "guessing_on": "Guessing rounds",
    "follow_ups_on": "A next step after each reveal",
    "goodnews_on": "Sharing good news (/goodnews)",
    "photos_on": "Photo moments",
}
EVENING_GOALS = (
    "🌱 Something for the two of you:\n{prompt}\n\n"
    "Just reply to answer. {partner} sees it once you've both answered."
)
SKIP_BUTTON = "Skip"
TOO_DEEP_BUTTON = "Too deep for now"
SEALED = "Thank you 💌 Your answer stays sealed until {partner} answers too."
REPLACED = "Updated. {partner} will see this answer instead."
EDIT_AFTER_REVEAL = (
    "Edits after the reveal don't change what your partner saw. Send a new message if you'd "
    "like to add something."
)
EDIT_AFTER_CLOSE = (
    "That question has closed, so your answer stays as you first sent it. Send a new message "
    "if you'd like to add something."
)
EDIT_COMMAND = (
    "I don't act on edited commands, so nothing changed. Send it again as a new message if "
    "you'd like."
)
REVEAL = "💬 {partner}'s answer to “{prompt}”:\n{answer}"
REVEAL_MEDIA = "💬 {partner} answered “{prompt}” with a {media}."
TOGETHER = "You've both answered 💞 Maybe take ten minutes together tonight to talk about it?"
ALREADY_REVEALED = (
    "You've both answered tonight's question already 💞 I've kept this with it. "
    "The next one comes {when} at {time}."
)
LATE_ANSWER = (
    "That question has closed, but I've kept your answer safe. The next one comes {when} at {time}."
)
REMINDER = "{partner} has answered tonight's question. Yours is welcome whenever you're ready 🌙"
SKIPPED = "Here's another one instead:"
SKIP_USED = "Tonight's question stays as it is; tomorrow brings a new one."
SKIP_ANSWERED = "{partner} has already answered this one, so let's keep it."
SKIP_NOTHING = "There's no open question to skip right now."
TOO_DEEP_DONE = "Of course. Here's a lighter one:"
# The partner is told the same words either way: never who asked, never whether for lighter.
TOO_DEEP_TOLD = "Tonight's question changed to a new one:"
SKIP_TOLD = "Tonight's question changed to a new one:"
APPRECIATION_NUDGE = "💌 {prompt}"
APPRECIATION_BUTTON = "Send an appreciation"
AFFECTION_NUDGE = "🤗 A small idea for today:\n{prompt}"
AFFECTION_BUTTON = "Done 🤗"
AFFECTION_DONE = "Lovely 🤗 I've counted that as a shared moment."
AFFECTION_ALREADY = "Already counted, thank you 🤗"
DATE_NUDGE = "🕯️ Date idea for this week:\n{prompt}\n\nPlan one together? It can be small."
PARTNER_UNREACHABLE = (
    "I can't reach {partner} at the moment (perhaps the chat with me was closed). "
    "Your answers stay safe; I'll pick up again when they're back."
)

CHECKIN_SENT = "Today's question is already out. Just reply to it to answer."
ANSWERED_BEFORE_PROMPT = "I took this as your answer to today's question:\n“{prompt}”"
CHECKIN_NOT_PAIRED = (
    "Once you're paired, I'll send you both a question each evening. /pair to begin."
)
CHECKIN_PAUSED = "You're paused until {until}. /resume to start again."
TIME_SET = "Done: the evening question now comes at {time}, each of you in your own time zone."
TIME_TOLD = "{partner} moved the evening question to {time} (your time)."
TIME_BAD = "I didn't understand that time. Try /time 20:30 or /time 7:45."
TIME_ASK = "What time should the evening question come? Reply with a time like 20:30."
PAUSE_DONE = "Paused until {until}. Enjoy the time 🌿 /resume whenever you like."
PAUSE_TOLD = "{partner} paused Rekindle for you both until {until}. Enjoy the time 🌿"
PAUSE_BAD = "Pause for how many days? Try /pause 7 (from 1 to 60 days)."
RESUME_DONE = "Welcome back 🌱 The evening question comes {when} at {time}."
RESUME_TOLD = "{partner} resumed Rekindle. The evening question comes {when} at {time}."
RESUME_NOT_PAUSED = "You're not paused; everything is running."
SETTINGS = (
    "Your settings:\n"
    "• Evening question at {time} (your time zone: {zone})\n"
    "• Curiosity questions on {days}\n"
    "• {place}\n"
    "Tap to change:"
)
# How deep curiosity questions go (`bot.core.depth`): the settings line for each mix, and its
# button.
SETTINGS_MIX = {
    "lighter": "• Curiosity questions: lighter, with no deep ones for now",
    "as-is": "• Curiosity questions: a mix, with at most one deep one a week",
    "deeper": "• Curiosity questions: deeper, with up to two deep ones a week",
}
MIX_BUTTONS = {"lighter": "Lighter", "as-is": "As is", "deeper": "Deeper"}
SETTINGS_TOGETHER = "Together: affection and date ideas for one place (/apart when you're apart)"
SETTINGS_APART = "Apart for now{until}: ideas that work at a distance (/together when you meet)"
APART_BUTTON = "Apart for now"
APART_UNTIL = " until {day}"
APART_DONE = (
    "Noted: you two are apart for now{until} 🌍 Affection and date ideas will be ones that "
    "work at a distance. /together when you're in one place again."
)
APART_TOLD = (
    "{partner} let me know you two are apart for now{until} 🌍 Affection and date ideas will "
    "be ones that work at a distance. /together when you're in one place again."
)
APART_BAD = (
    "Apart until when? Try /apart on its own, /apart until 2027-01-15 (the day you're "
    "together again), or /apart 14 for two weeks."
)
TOGETHER_DONE = "Together again 🏡 Affection and date ideas are for one place from now on."
TOGETHER_TOLD = (
    "{partner} let me know you two are together again 🏡 Affection and date ideas are for one "
    "place from now on."
)
TOGETHER_ALREADY = "You're set as together already. /apart if you're apart for a while."
# The stored keys of the weekdays (a couple's curiosity days, button data): data, never shown.
# Their names as a person reads them come from Babel (`words.weekday`).
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RHYTHM_LABELS = {
    "checkin": "Evening check-ins",
    "curiosity": "Curiosity questions",
    "goals": "Goals & dreams",
    "appreciation": "Appreciation nudges",
    "affection": "Affection ideas",
    "date": "Date-night nudges",
    "status": "Pinned status line",  # `bot.core.status`: Couple.status_on
    "digest": "Nudges as one Sunday digest",
}
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please send that again in a moment."
