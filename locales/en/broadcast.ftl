# Mass information (broadcast): mail footer, API messages, pages.
broadcast-mail-footer = Information message sent by Guichet, the single help desk. It is addressed to all the staff concerned in the area; it cannot be turned off in your preferences.

# API problems.
rule-broadcast-steering_only = Only steering staff (IEN, DASEN, DSI) and administrators may broadcast information.
rule-broadcast-beyond_zone = You may only inform your own zone: one of the chosen zones is outside your circonscription, département or académie.
conflict-broadcast-already_sent = This broadcast has already started: it can no longer be changed, rescheduled or cancelled.
field-broadcast-zone_unknown = One of the chosen zones does not exist.
field-broadcast-zone_kind = One of the chosen zones is neither an académie, a département, a circonscription nor an establishment.
field-broadcast-uai_unknown = No establishment has one of the given UAI codes.
field-broadcast-too_many_zones = Too many zones or UAIs (500 at most).
field-broadcast-past = The banner's end date has passed.
field-broadcast-rate = The rate must be between 0 (no limit) and 100,000 messages per minute.
object-broadcast = Broadcast
