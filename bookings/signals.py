from django.dispatch import Signal

# Sent after commit when a booking is confirmed (services/bookings.py `confirm`, the one place
# a booking is confirmed). Higher apps (checkin) listen; bookings knows nothing of them.
booking_confirmed = Signal()  # kwargs: booking
