"""Starting, time zones, pairing and unpairing, help, privacy, and the general answers."""

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
    "/evenings 4 – how many evenings a week bring a question (3 to 7)\n"
    "/timezone – set your time zone\n"
    "/settings – time, zone and which nudges you get\n"
    "/language – the language I write to you in\n"
    "/pause 7 – a break for some days · /resume – start again\n"
    "/apart – apart for a while: ideas for a distance · /together – back in one place\n"
    "/meet 2027-01-15 – count down to the day you see each other\n"
    "/appreciate – tell your partner what you appreciate\n"
    "/goodnews – share good news with your partner (a photo too)\n"
    "/goal, /goals – shared goals · /win – log a shared win\n"
    "/date – ask for a date night · /progress – your shared moments\n"
    "/story – your story together as a book (/story 2026: one year)\n"
    "/someday – things to do together one day\n"
    "/ourdays – your dates · /anniversary, /birthday – save them\n"
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
