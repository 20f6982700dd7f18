"""What partners share: appreciation, goals, wins, dates, /progress and the recap's frame, /export
and /deletemydata."""

# Appreciation, goals, wins, dates, progress.
APPRECIATE_ASK = (
    "What do you appreciate about {partner}? "
    "Write it in your next message, and I'll pass it on straight away."
)
APPRECIATE_SENT = "Sent to {partner} 💌"
APPRECIATION = "💌 {partner} appreciates you: {words}"
THANK_BUTTON = "❤️ Thank you"
THANKED = "Your thanks are on their way ❤️"
THANKED_TOLD = "❤️ {partner} thanked you for your appreciation."
THANK_ALREADY = "You've already said thank you for this one ❤️"
GOAL_ASK = "What goal would you like to share? Try /goal take a walk together every Sunday."
GOAL_ADDED = "Added to your shared goals 🎯 /goals shows them all."
GOAL_TOLD = "🎯 {partner} added a shared goal: {words}"
GOALS_NONE = (
    "No shared goals yet. Add one with /goal <words>, for example /goal cook together once a week."
)
GOALS_LIST = "🎯 Your shared goals:"
GOALS_OPEN = "Open:"
GOALS_REACHED = "Reached:"
GOALS_TAP = "Tap a goal when you've reached it."
GOAL_REACHED = "🎉 You reached a shared goal: {words}\n{line}"
GOAL_ALREADY = "That goal is already reached 🎉"
SAVE_GOAL_BUTTON = "🎯 Save as a shared goal"
GOAL_SAVED = "Saved as a shared goal 🎯"
GOAL_ALREADY_SAVED = "That one is already saved as a shared goal 🎯 /goals shows them all."
WIN_ASK = "What's the win? Try /win we laughed at dinner."
WIN_LOGGED = "Logged 🎉 /progress shows all your wins."
WIN_TOLD = "🎉 {partner} logged a shared win: {words}"
DATE_ASK = "When is your date? Tap a day (19:30), or write a day and time, like /date fri 19:30."
DATE_BAD = (
    "I didn't catch that. Try /date fri 19:30, /date tomorrow 20:00 or /date 2026-12-24 19:00."
)
DATE_PAST = "That time has already passed. Try a time in the future, like /date fri 19:30."
DATE_NONE = "There's no date planned. /date plans one."
DATE_CANCELLED = "The date on {when} is cancelled. Another time 🌿"
DATE_CANCEL_TOLD = "{partner} cancelled the date on {when}. Another time 🌿"
DATE_MORNING = "🕯️ Your date is today at {time}. Enjoy each other."
DATE_HOW = "How was your date yesterday?"
DATE_LOVELY = "lovely ❤️"
DATE_NOT_THIS_TIME = "not this time"
DATE_LOVELY_DONE = "So glad 💞 I've counted it as a shared win."
DATE_NOT_DONE = "Thanks for telling me. There'll be other evenings 🌿"
PROGRESS_TITLE = "🌱 Your shared moments"
PROGRESS_PICTURE = "Your last 12 weeks: each day fuller the more you shared."
RECAP = "🌿 Your week together: {summary}.\n{line}"
EXPORT_READY = "Here's everything of yours I keep, as a file 📄"
DELETE_CONFIRM = (
    "Erase everything you've written here (answers, appreciations, goals, wins) and your "
    "profile? This can't be undone. If you're paired, the pairing ends and your partner is "
    "told kindly."
)
DELETE_YES = "Yes, erase my data"
DELETE_NO = "No, keep it"
DELETE_KEPT = "Nothing was erased."
DELETE_DONE = "Done. Everything you wrote here is erased. Take good care of yourself 🌿"
DELETE_TOLD = (
    "{partner} has left Rekindle and erased their data, so your pairing has ended. "
    "Your own words are still yours; /export keeps a copy. Take good care of yourself."
)
MEDIA_ACROSS = (
    "(The answer was a {what}, sent on {app}. I can't carry that across apps, so ask them to "
    "share it with you in person 💬)"
)
