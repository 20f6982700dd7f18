"""The bot's own sentences. Prompts live in `content/`; these are the words around them.

Plain text only: channels escape and format it. Keep every line short, warm and free of guilt.
"""

from __future__ import annotations

from datetime import timedelta

GREETING = (
    "Hi {name}, I'm Rekindle 🌱\n"
    "I help the two of you feel close again through small daily steps: "
    "a short question each evening, a little appreciation, shared wins.\n"
    "Your answers are seen only by your partner, and only once you've both answered.\n\n"
    "First, which time zone are you in? Tap one below, or type a city "
    "(like Berlin), a zone (like Europe/Berlin) or an offset (like +02:00)."
)
GREETING_AGAIN = "Welcome back, {name} 🌱 {status}"
STATUS_PAIRED = "You're paired with {partner}. /help shows everything I can do."
STATUS_UNPAIRED = "When you're ready, send /pair to invite your partner."

ZONE_ASK = (
    "Which time zone are you in? Tap one below, or type a city (like Berlin), "
    "a zone (like Europe/Berlin) or an offset (like +02:00)."
)
ZONE_SET = "Got it: your time zone is {zone} (it's {local} there now)."
ZONE_UNKNOWN = (
    "I couldn't find a time zone called “{typed}”. Try a city like Berlin, "
    "a zone like Europe/Berlin or America/New_York, or an offset like +02:00."
)
ZONE_NEXT_PAIR = "Next, send /pair to invite your partner."

PAIR_CODE = (
    "Here's your invite for your partner: {code}\n"
    "They can send me /pair {code}. "
    "It works once, within 24 hours."
)
PAIR_ALREADY = "You're already paired with {partner}. If that needs to change, /unpair first."
PAIR_DONE = "You're now paired with {partner} 💞 {first}"
PAIR_HANDLE = "{partner} ({handle})"
PAIR_CHECK = (
    "Anyone who sees an invite can use it. If this isn't your partner, tap the button below "
    "within 24 hours and I'll undo the pairing."
)
NOT_MY_PARTNER_BUTTON = "That's not my partner"
NOT_MY_PARTNER_DONE = (
    "Done: the pairing is undone and nothing from it was kept. Send /pair for a new invite, "
    "and share it only with your partner."
)
NOT_MY_PARTNER_TOLD = (
    "This pairing was undone by the person who made the invite. If that's a mistake, ask them "
    "for a new invite."
)
NOT_MY_PARTNER_TOO_LATE = (
    "It's been more than 24 hours since you paired, so this button can't undo it any more. "
    "If you'd like to end the pairing, send /unpair."
)
PAIR_FIRST_CHECKIN = "Your first evening check-in comes {when} at {time} your time."
PAIR_NO_ZONE = " Tell me your time zone with /timezone so it arrives in your evening."
PAIR_BAD_FORMAT = (
    "That doesn't look like an invite code. Codes are 10 letters and digits, "
    "like /pair K7MQ2XRT9B. Ask your partner to send /pair to get one."
)
PAIR_UNKNOWN = "I don't know that code. Check it for typos, or ask your partner for a fresh one."
PAIR_USED = "That code has already been used. Ask your partner for a fresh one with /pair."
PAIR_EXPIRED = "That code has expired (they last 24 hours). Ask your partner to send /pair again."
PAIR_SELF = "That's your own invite 🙂 Send it to your partner so they can join you."
PAIR_TAKEN = "That invite can't be used any more. Ask your partner to send /pair for a new one."
PAIR_TRIES_LEFT = " ({left} more tries this hour.)"
PAIR_WAIT = "That's a few wrong codes in a row, so let's pause. Please try again in {wait}."

UNPAIR_NOT_PAIRED = "You're not paired with anyone right now. /pair invites your partner."
UNPAIR_CONFIRM = (
    "Unpair from {partner}? The evening questions stop for both of you, and {partner} "
    "will be told kindly."
)
UNPAIR_YES = "Yes, unpair"
UNPAIR_NO = "No, keep us paired"
UNPAIR_DONE = "You're unpaired. Take good care of yourself; /pair whenever you want to start again."
UNPAIR_KEPT = "Good, nothing changed. You're still paired with {partner}."
UNPAIR_TOLD = (
    "{partner} has ended your pairing on Rekindle. The evening questions stop here. "
    "Take good care of yourself; /pair whenever you want to start again."
)

HELP = (
    "Here's what I can do:\n"
    "/pair – invite your partner (or /pair CODE to join them)\n"
    "/checkin – today's question now · /ask – a curiosity question now\n"
    "/skip – swap today's question for another\n"
    "/time 20:30 – when the evening question comes\n"
    "/timezone – set your time zone\n"
    "/settings – time, zone and which nudges you get\n"
    "/pause 7 – a break for some days · /resume – start again\n"
    "/apart – apart for a while: ideas for a distance · /together – back in one place\n"
    "/appreciate – tell your partner what you appreciate\n"
    "/goal, /goals – shared goals · /win – log a shared win\n"
    "/date – plan a date night · /progress – your shared moments\n"
    "/export – your data as a file · /deletemydata – erase what you wrote\n"
    "/unpair – end the pairing\n"
    "/privacy – who sees what\n"
    "/help – this list\n\n"
    "Each evening I send you both the same short question. Just reply to answer; "
    "you'll see each other's answers once you've both replied."
)
PRIVACY = (
    "Who sees what:\n"
    "• Your answers are shown only to your partner, and only after you've both answered.\n"
    "• Nobody else sees your words: not other couples, and not the people who run this bot "
    "in its logs.\n"
    "• Your words are stored so your partner can see them and so you can look back.\n"
    "• /unpair ends the pairing at any time."
)

UNKNOWN_COMMAND = "I don't know /{name}. /help shows what I can do."
NOT_PAIRED_TEXT = (
    "Thanks for writing 🙂 Once you're paired, I'll send you both a question each evening. "
    "Send /pair to invite your partner, or /help to see more."
)
PAIRED_TEXT = (
    "Thanks 🙂 There's no open question right now; the next one comes {when} at {time}. "
    "/help shows what else I can do."
)
UNSUPPORTED = (
    "I can't do anything with {what}, sorry. I understand text, voice notes, photos, "
    "video notes and the commands in /help."
)
STALE_BUTTON = "That button has expired. /help shows what you can do now."
START_FIRST = "Hi! Send /start to begin."


def duration(delta: timedelta) -> str:
    """A rounded-up, human length of time: "12 minutes", "1 hour", "2 days"."""
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = -(-hours // 24)
    return f"{days} days"


# The daily rhythm.
EVENING_CHECKIN = (
    "🌙 Tonight's check-in:\n{prompt}\n\n"
    "Just reply to answer. {partner} sees it once you've both answered."
)
EVENING_CURIOSITY = (
    "🌙 A question for tonight:\n{prompt}\n\n"
    "Just reply to answer. {partner} sees it once you've both answered."
)
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
REMINDER = (
    "{partner} has answered tonight's question and is curious to hear yours, "
    "whenever you're ready 🌙"
)
SKIPPED = "Here's another one instead:"
SKIP_USED = "You've already skipped once today; this one stays until tomorrow."
SKIP_ANSWERED = "{partner} has already answered this one, so let's keep it."
SKIP_NOTHING = "There's no open question to skip right now."
TOO_DEEP_DONE = "Of course. Here's a lighter one:"
TOO_DEEP_TOLD = "{partner} asked for a lighter question tonight, so here's a new one:"
SKIP_TOLD = "{partner} swapped tonight's question for a new one:"
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
PAUSE_TOLD = "{partner} paused Rekindle for both of you until {until}. /resume whenever you like."
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
SETTINGS_CHANGED = "Saved. {what}"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RHYTHM_LABELS = {
    "checkin": "Evening check-ins",
    "curiosity": "Curiosity questions",
    "goals": "Goals & dreams",
    "appreciation": "Appreciation nudges",
    "affection": "Affection ideas",
    "date": "Date-night nudges",
}
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please send that again in a moment."

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
DATE_SET = "Date planned for {when} 🕯️ I'll remind you both that morning."
DATE_TOLD = "🕯️ {partner} planned a date for {when}."
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
