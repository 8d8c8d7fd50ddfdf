from django.dispatch import Signal

# Sent after commit when support blacklists a customer (customers.services.customer_blacklist).
# Higher apps (feedback) listen to cancel the customer's open requests and future bookings;
# customers itself knows nothing of bookings.
customer_blacklisted = Signal()  # kwargs: customer, by, reason
