"""Said by a channel, not the core, and by the console."""

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
