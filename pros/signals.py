from django.dispatch import Signal

# Sent after commit when a pro may no longer take sessions (suspended). Higher apps
# (bookings) listen to withdraw what is open; pros itself knows nothing of bookings.
pro_suspended = Signal()  # kwargs: pro, by
