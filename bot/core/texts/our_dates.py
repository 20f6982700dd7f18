"""Our dates: the anniversary, birthdays, days together and the day a couple apart meet again
(/anniversary, /birthday, /ourdays, /meet), and the mornings that remember them."""

# /anniversary (the couple's: either partner sets it, both are told).
ANNIVERSARY_ASK = "When did your story together begin? Reply with the date, like 2019-06-14."
ANNIVERSARY_SET = "Saved 💞 Your anniversary is {day}. I'll remember it with you both each year."
ANNIVERSARY_TOLD = (
    "{partner} saved your anniversary: {day} 💞 I'll remember it with you both each year."
)
ANNIVERSARY_BAD = (
    "I didn't understand that date. Try /anniversary 2019-06-14 (the year, month and day)."
)
ANNIVERSARY_FUTURE = (
    "That day hasn't come yet 🙂 An anniversary is a day you've already shared, "
    "like /anniversary 2019-06-14."
)
ANNIVERSARY_CLEARED = "Done: no anniversary saved. Days together count from when you paired."
ANNIVERSARY_CLEARED_TOLD = (
    "{partner} cleared your anniversary. Days together count from when you paired."
)

# /birthday (one's own).
BIRTHDAY_ASK = (
    "When's your birthday? Reply with the month and day, like 06-20 "
    "(add the year if you like: 1990-06-20)."
)
BIRTHDAY_SET = (
    "Saved 🎂 Your birthday is {day}. I'll give {partner} a quiet heads-up a few days before."
)
BIRTHDAY_BAD = (
    "I didn't understand that date. Try /birthday 06-20 (month and day) or /birthday 1990-06-20."
)
BIRTHDAY_FUTURE = (
    "That day hasn't come yet 🙂 Try /birthday 06-20, or with the year you were born, "
    "like /birthday 1990-06-20."
)
BIRTHDAY_CLEARED = "Done: your birthday isn't saved any more."

# /meet (for a couple apart: the day they see each other, which ends /apart).
MEET_ASK = (
    "When do you see each other next? Reply with the date, like 2027-01-15, "
    "or a number of days, like 14."
)
MEET_SET = (
    "Noted: you see each other on {day}, in {days} 💞 "
    "I'll count down with you in the evening question."
)
MEET_TOLD = (
    "{partner} let me know you see each other on {day}, in {days} 💞 "
    "I'll count down with you both in the evening question."
)
MEET_BAD = (
    "When do you see each other? Try /meet 2027-01-15 (the day you meet) "
    "or /meet 14 for two weeks from now."
)
MEET_CLEARED = (
    "Done: no date for now. You're still set as apart; /together when you're in one place."
)
MEET_CLEARED_TOLD = (
    "{partner} cleared the day you see each other. You're still set as apart; "
    "/meet with a new date when you know it."
)
# Under the evening question while the day is still to come.
MEET_COUNTDOWN = {
    "one": "⏳ {count} day until you see each other",
    "other": "⏳ {count} days until you see each other",
}

# The mornings that remember them (each partner on their own local date).
ANNIVERSARY_TODAY = {
    "one": "💞 {count} year together today. Happy anniversary, you two.",
    "other": "💞 {count} years together today. Happy anniversary, you two.",
}
# {number} is the count as the reader writes it ("1,000").
DAYS_TOGETHER_TODAY = {
    "one": "✨ {number} day together today.",
    "other": "✨ {number} days together today. Here's to every small step that got you here.",
}
BIRTHDAY_TODAY = "🎂 Happy birthday, {name}. I hope today is kind to you."
BIRTHDAY_PARTNER_TODAY = (
    "🎂 It's {partner}'s birthday today. A few warm words from you will mean a lot."
)
BIRTHDAY_HEADS_UP = "🎁 Just between us: {partner}'s birthday is on {day}, in {days}."
BIRTHDAY_IDEA = "An idea, if you'd like one: {idea}"
MEET_TODAY = (
    "💞 Today's the day you see each other. Enjoy it. "
    "Affection and date ideas are for one place again from today."
)

# /ourdays: what is set, with buttons to change or clear each.
OURDAYS = "Your dates 💞\n{lines}\nTap to change:"
OURDAYS_ANNIVERSARY = "• Anniversary: {day}"
OURDAYS_ANNIVERSARY_NONE = "• Anniversary: not saved yet (/anniversary 2019-06-14)"
OURDAYS_MY_BIRTHDAY = "• Your birthday: {day}"
OURDAYS_MY_BIRTHDAY_NONE = "• Your birthday: not saved yet (/birthday 06-20)"
OURDAYS_PARTNER_BIRTHDAY = "• {partner}'s birthday: {day}"
OURDAYS_PARTNER_BIRTHDAY_NONE = "• {partner}'s birthday: not saved yet"
OURDAYS_TOGETHER = "• Days together: {number} (since {day})"
OURDAYS_TOGETHER_PAIRED = "• Days together: {number} (since you paired on {day})"
OURDAYS_MEET = "• You see each other: {day}, in {days}"
OURDAYS_MEET_TODAY = "• You see each other: today 💞"
OURDAYS_MEET_NONE = "• The day you see each other: not set (/meet 2027-01-15 when you're apart)"
OURDAYS_CHANGE = {
    "anniv": "✏️ Anniversary",
    "bday": "✏️ My birthday",
    "meet": "✏️ Day we meet",
}
OURDAYS_CLEAR = {
    "anniv": "🗑 Clear anniversary",
    "bday": "🗑 Clear my birthday",
    "meet": "🗑 Clear day we meet",
}
OURDAYS_NOTHING = "Nothing to clear there. /ourdays shows what's saved."
OURDAYS_KEPT = "Okay, nothing changed. /ourdays shows what's saved."
