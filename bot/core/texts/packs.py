"""Prompt packs (/settings → Packs): what each is, and the menu's few words."""

PACK_NAMES = {
    "long-distance": "Long distance",
    "new-parents": "New parents and carers",
    "rough-patch": "After a rough patch",
    "playful": "Playful",
    "thirty-six": "36 questions",
    "intimacy": "Intimacy",
}
PACK_ABOUT = {
    "long-distance": "ideas and questions for the miles between you",
    "new-parents": "five-minute versions for tired days of caring for someone",
    "rough-patch": "gentle questions for finding your way back to each other",
    "playful": "this-or-that and would-you-rather, just for fun",
    "thirty-six": "three sets of twelve questions, each set a little deeper, three evenings a week",
    "intimacy": "tender, private questions about closeness; never explicit",
}
PACKS_BUTTON = "Packs"
SETTINGS_PACKS = "• Packs on for you both: {packs}"
PACKS = (
    "Packs add prompts on a theme to your evenings and nudges. A pack starts only when you "
    "both turn it on, and either of you can leave it at any time.\n{packs}\nTap to turn one "
    "on or off:"
)
PACK_LINE = "• {name}: {about}{status}"
PACK_ON = " — on for you both ✅"
PACK_WAITING = " — you're in; it starts when {partner} turns it on too"
PACK_PRIVATE_WAITING = " — you're in; it starts only if you both are"
PACK_INVITED = " — {partner} would like to try it"
PACK_INVITE = (
    "{partner} turned on the “{name}” pack: {about}. It starts when you turn it on too, in "
    "/settings → Packs."
)
PACK_INVITE_BUTTON = "Turn it on"
PACK_STARTED = "The “{name}” pack is on for you both now. Its prompts start with the next ones."
PACK_LEFT = "Done: the “{name}” pack is off for you."
