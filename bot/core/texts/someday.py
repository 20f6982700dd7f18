"""Someday (/someday): the couple's shared list of things to do together one day. And dates asked,
not announced: a proposal the partner answers, "Yes 💛" or "Another time"."""

# The someday list.
SOMEDAY_ADDED = "Added to your someday list 🌱 /someday shows it."
SOMEDAY_TOLD = "🌱 {partner} added to your someday list: {words}"
SOMEDAY_NONE = (
    "Your someday list is empty. Add something you'd both like to do one day, "
    "like /someday picnic by the lake."
)
SOMEDAY_LIST = "🌱 Your someday list:"
SOMEDAY_PLANNED = "Planned:"
SOMEDAY_TAP = "Tap 📅 to plan one as a date, or ✕ to take it off the list."
SOMEDAY_REMOVE_BUTTON = "✕ Remove"
SOMEDAY_REMOVED = "Taken off your someday list: {words}"
SOMEDAY_ALREADY_REMOVED = "That one is already off your someday list. /someday shows what's on it."
SOMEDAY_ALREADY_PLANNED = "That one is already planned 🕯️ /someday shows the rest of your list."
SOMEDAY_PLAN_ASK = (
    "A date for {words} 🕯️ When? Tap a day (19:30), or write a day and time, like /date fri 19:30. "
    "I'll ask {partner} first."
)
# The weekly date nudge, when the list has something not yet planned.
SOMEDAY_NUDGE = "🕯️ From your someday list:\n{words}\n\nCould this week be the one?"
SOMEDAY_PLAN_IT = "📅 Plan it"

# A date proposed, and answered.
DATE_ASKED = "I've asked {partner} about a date on {when} 🕯️ I'll tell you what they say."
DATE_ASKED_INSTEAD = (
    "I've asked {partner} about a date on {when} 🕯️ If they say yes, it takes the place of "
    "your date on {before}."
)
DATE_PROPOSAL = "🕯️ {partner} would love a date with you on {when}. Does it suit you?"
DATE_PROPOSAL_SOMEDAY = (
    "🕯️ {partner} would love a date with you on {when}, from your someday list: {words}\n"
    "Does it suit you?"
)
DATE_YES_BUTTON = "Yes 💛"
DATE_LATER_BUTTON = "Another time"
DATE_ACCEPTED = "It's a date: {when} 🕯️ I'll remind you both that morning."
DATE_ACCEPTED_TOLD = (
    "💛 {partner} says yes: your date is on {when}. I'll remind you both that morning."
)
DATE_DECLINED = "Thanks for saying so. I'll ask {partner} to pick another day 🌿"
DATE_DECLINED_TOLD = (
    "{partner} can't make {when}, but would like another time 🌿 Tap a day (19:30), "
    "or write a day and time, like /date sat 19:30."
)
DATE_ALREADY_ANSWERED = "You've already answered this one 💛"
DATE_NOT_YOURS = "That one is for {partner} to answer 💛"
DATE_GONE = "That date isn't planned any more. /date plans a new one."
