"""REST API of feedback: thin views that validate, call one service or selector, serialize.

customer.py  a booking's conversation (customer side), reviews, the customer's report,
             a pro's reviews, support messages (any signed-in person)
pro.py       a booking's conversation (pro side), the pro's reports
common.py    the conversation view both sides share
"""
