"""Good news (/goodnews): shared at once, with a line on answering it well, and the reply that
goes back."""

GOODNEWS_ASK = (
    "What's the good news? Write it in your next message (a photo is welcome too), "
    "and I'll share it with {partner} straight away."
)
GOODNEWS_SENT = "Shared with {partner} 🌟"
GOODNEWS = "🌟 {partner} has good news: {words}"
GOODNEWS_PHOTO = "🌟 {partner} has good news to show you."
# Under it, the one line on answering well (active-constructive responding): glad, curious.
GOODNEWS_HINT = "Be glad with them out loud, and ask one question about it."
GOODNEWS_REPLY_BUTTON = "Reply 💬"
GOODNEWS_REPLY_ASK = (
    "What would you like to tell {partner}? Write it in your next message, and I'll pass it on."
)
GOODNEWS_REPLY = "💬 {partner} replied to your good news: {words}"
GOODNEWS_REPLY_SENT = "Sent to {partner} 💬"
GOODNEWS_OFF = (
    "Sharing good news is turned off for the two of you right now. "
    "Either of you can turn it back on in /settings."
)
