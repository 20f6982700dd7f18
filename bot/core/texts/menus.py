"""Menus and labels: the command menu, command arguments, time zone and settings buttons, kinds of
media and of unsupported messages."""

# The command menu (a platform's command list, slash command descriptions).
COMMAND_DESCRIPTIONS = {
    "start": "Begin, or open your partner's invite",
    "pair": "Invite your partner, or join with a code",
    "checkin": "Today's evening question, now",
    "ask": "A curiosity question, now",
    "skip": "Swap today's question for another",
    "time": "When the evening question comes",
    "evenings": "How many evenings a week bring a question",
    "timezone": "Set your time zone",
    "settings": "Time, time zone and which nudges you get",
    "language": "Choose the language I write to you in",
    "apart": "Apart for a while: ideas for a distance",
    "together": "Together again after being apart",
    "meet": "Count down to the day you see each other",
    "appreciate": "Tell your partner what you appreciate",
    "goodnews": "Share good news with your partner",
    "goal": "Add a shared goal",
    "goals": "Your shared goals",
    "win": "Log a shared win",
    "date": "Ask your partner for a date night",
    "someday": "Your list of things to do together one day",
    "ourdays": "Your dates: anniversary, birthdays, days together",
    "anniversary": "Save the day your story together began",
    "birthday": "Save your birthday",
    "progress": "Your shared moments, with a picture",
    "story": "Your story together, as a book to keep",
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
    "evenings": "How many evenings a week, from 3 to 7",
    "pause": "For how many days (7 if empty)",
    "appreciate": "What you appreciate about your partner",
    "goodnews": "Your good news, in a few words",
    "goal": "The goal you share",
    "win": "The win to remember",
    "date": "Like fri 19:30, tomorrow or 2026-12-24 19:00 (or cancel)",
    "someday": "Something to do together one day (empty to see the list)",
    "anniversary": "The day your story together began, like 2019-06-14",
    "birthday": "Your birthday, like 06-20 or 1990-06-20",
    "meet": "The day you see each other, like 2027-01-15, or a number of days",
    "language": "A language code, like es or ru (empty to see the choices)",
    "story": "A year, like 2026 (empty for your whole story)",
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
SETTINGS_LANGUAGE_BUTTON = "🗣 Language"
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
