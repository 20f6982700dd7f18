"""The bot's own sentences: the English catalog. Prompts live in `content/`; these are the words
around them.

Plain text only: channels escape and format it. Keep every line short, warm and free of guilt.
Every sentence a person reads lives here, in the core or in a channel, named for what it says;
read it through `bot.core.words` (`say`, `plural`, `when`), which knows the reader's language.
A message that counts is a dict of plural forms ("one", "other"); dates are Babel patterns
(`DATE_PATTERNS`). No code here: grammar belongs to Babel.
"""

from __future__ import annotations

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


# Lengths of time (`words.duration`).
MINUTES = {"one": "{count} minute", "other": "{count} minutes"}
HOURS = {"one": "{count} hour", "other": "{count} hours"}
DAYS = {"one": "{count} day", "other": "{count} days"}

# How dates and times are written: Babel patterns (`words.when`), one per use.
DATE_PATTERNS = {
    "day": "EEE dd MMM",  # paused until, apart until: "Thu 03 Sep"
    "weekday_day": "EEE d",  # a day button: "Thu 3"
    "day_time": "EEE d MMM 'at' HH:mm",  # a date night: "Thu 3 Sep at 19:30"
    "clock": "HH:mm",  # "it's 20:30 there now"
    "weekday_clock": "EEE HH:mm",  # the console's `:now`: "Thu 20:30"
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

# The command menu (a platform's command list, slash command descriptions).
COMMAND_DESCRIPTIONS = {
    "start": "Begin, or open your partner's invite",
    "pair": "Invite your partner, or join with a code",
    "checkin": "Today's evening question, now",
    "ask": "A curiosity question, now",
    "skip": "Swap today's question for another",
    "time": "When the evening question comes",
    "timezone": "Set your time zone",
    "settings": "Time, time zone and which nudges you get",
    "apart": "Apart for a while: ideas for a distance",
    "together": "Together again after being apart",
    "appreciate": "Tell your partner what you appreciate",
    "goal": "Add a shared goal",
    "goals": "Your shared goals",
    "win": "Log a shared win",
    "date": "Plan a date night",
    "progress": "Your shared moments, with a picture",
    "export": "Everything of yours, as a file",
    "deletemydata": "Erase everything you wrote",
    "pause": "Take a break for some days",
    "resume": "Start again after a pause",
    "unpair": "End the pairing",
    "privacy": "Who sees what you write",
    "help": "What I can do",
}
# What a command's words are, where the menu asks for them (slash command options).
COMMAND_ARGUMENTS = {
    "start": "An invite code from your partner, if you have one",
    "pair": "Your partner's invite code; leave empty to get your own",
    "timezone": "A city (Berlin), a zone (Europe/Berlin) or an offset (+02:00)",
    "time": "When the evening question comes, like 20:30",
    "pause": "For how many days (7 if empty)",
    "appreciate": "What you appreciate about your partner",
    "goal": "The goal you share",
    "win": "The win to remember",
    "date": "Like fri 19:30, tomorrow or 2026-12-24 19:00 (or cancel)",
}

# The time zone buttons under /start and /timezone, by the zone they set.
ZONE_BUTTONS = {
    "Europe/London": "London",
    "Europe/Berlin": "Berlin / Paris",
    "Europe/Athens": "Athens / Kyiv",
    "America/New_York": "New York",
    "America/Chicago": "Chicago",
    "America/Los_Angeles": "Los Angeles",
    "America/Sao_Paulo": "São Paulo",
    "Asia/Kolkata": "India",
    "Asia/Tokyo": "Tokyo",
    "Australia/Sydney": "Sydney",
}

# /settings buttons.
SETTINGS_TIME_BUTTON = "🕗 Evening time"
SETTINGS_ZONE_BUTTON = "🌍 Time zone"
SETTINGS_NO_DAYS = "no days"

# What kind of thing someone sent, in a sentence (UNSUPPORTED, REVEAL_MEDIA, MEDIA_ACROSS).
MEDIA_NAMES = {
    "voice": "voice note",
    "photo": "photo",
    "video_note": "video note",
    "sticker": "sticker",
    "video": "video",
    "audio": "audio message",
    "document": "file",
    "animation": "GIF",
}
UNSUPPORTED_NAMES = {
    "location": "a location",
    "venue": "a place",
    "contact": "a contact",
    "poll": "a poll",
    "dice": "a dice roll",
    "game": "a game",
    "story": "a story",
    "invoice": "a payment",
    "forward": "a forwarded message",
}
UNSUPPORTED_OTHER = "that kind of message"

# /progress.
PROGRESS_COLUMNS = "This week · all time"
PROGRESS_LABELS = {
    "checkins": "Evenings you both checked in",
    "conversations": "Conversations completed",
    "appreciations": "Appreciations",
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

# Said by a channel, not the core.
PRIVATE_CHATS_ONLY = (
    "Hi! I'm Rekindle, and I only work in private chats, so that what partners share stays "
    "between the two of them. Message me directly to begin. Goodbye for now 👋"
)
DIRECT_MESSAGES_ONLY = (
    "Hi! I'm Rekindle, and I only work in direct messages, so that what partners share stays "
    "between the two of them. Send me a DM (or use my slash commands there) to begin 💬"
)
BUTTON_PRESSED = "Got it"
INVITE_LINK = "Or forward them this link; tapping it pairs you at once:\n{link}"
INVITE_NO_LINK = (
    "(On {app} there's no link to tap: your partner sends me /pair {code}, "
    "here on {app} or on {other}.)"
)

# The console (`python -m bot console`): words for the person trying the bot.
CONSOLE_HELP = (
    "console: `a: <message>` or `b: <message>` writes as partner A (Alex) or B (Sam); "
    "`a: !2` presses button 2 under A's latest message with buttons; "
    "`:pair` pairs A and B; `:advance 30m` / `2h` / `1d` moves the clock; `:now` shows it."
)
CONSOLE_WELCOME = "(Rekindle console. {help} Ctrl-D to quit.)"
CONSOLE_EMPTY_LINE = "(empty line: write `a: <message>` or `b: <message>`; `:help` for more)"
CONSOLE_UNREAD = "(I read lines as `a: <message>` or `b: <message>`. {help})"
CONSOLE_NO_BUTTON = "({who} has no button {index} to press)"
CONSOLE_WROTE_NOTHING = "({who} wrote nothing: try `{who}: hello` or `{who}: /help`)"
CONSOLE_ADVANCE_BAD = "(:advance takes a duration such as 30m, 2h, 1d or 1h30m)"
CONSOLE_UNKNOWN = "(unknown console command :{name}. {help})"
CONSOLE_PICTURE = "picture"
CONSOLE_FILE = "file"
CONSOLE_SAVED = "({what} saved: {path})"
