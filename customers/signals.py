from django.dispatch import Signal

# Sent after commit when support blacklists a customer (customers.services.customer_blacklist).
# Higher apps (feedback) listen to cancel the customer's open requests and future bookings;
# customers itself knows nothing of bookings.
customer_blacklisted = Signal()  # kwargs: customer, by, reason

# Sent INSIDE the transaction that creates a customer account (sign-up, or an existing account
# becoming a customer), so a receiver's work commits or fails with it: privacy blacklists a new
# account that has the e-mail or phone of a blacklisted closed one.
customer_created = Signal()  # kwargs: customer
