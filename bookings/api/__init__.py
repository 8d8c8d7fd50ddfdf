"""REST API of bookings: thin views that validate, call one service or selector, serialize.

  customer.py        booking requests, their answers (counter-offers, sessions a pro set up)
                     and the customer's bookings
  customer_pros.py   pros a customer may book directly: past pros, favourites, free start
                     times, personal links
  pro.py             the pro mobile app: proposals and their answers, the pro's bookings
  serializers.py     output serializers both sides share; fields.py: AwareDateTimeField

House style (customers/api.py): `<Resource><Action>Api` classes, `*InSerializer` /
`*OutSerializer`, `extend_schema(tags, summary, ...)` on every handler; URL names in
bookings/api_urls.py are snake_case.
"""
