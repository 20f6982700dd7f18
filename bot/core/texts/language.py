"""/language: which language the bot writes in, for each member on their own."""

LANGUAGE_CURRENT = (
    "Your language: {language}\n"
    "Tap another to switch. Your partner chooses their own, so each of you can read me in "
    "your own language."
)
# Said in the language just chosen, so it names none (a translation may name its own, as in
# "en español"); read untranslated, it is still true.
LANGUAGE_SET = "Done 🙂 From now on I'll write to you in this language. /language changes it again."
LANGUAGE_UNKNOWN = (
    "Sorry, I don't speak that language yet 🙂 These are the ones I know: {available}. "
    "Send /language with one of the codes, or just /language to tap a button."
)
# A line of /settings, after the others.
SETTINGS_LANGUAGE = "• Language: {language}"
