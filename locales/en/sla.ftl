# Routing rules, service level targets (SLA) and calendars.

entry-routing = Automatic routing
entry-sla_warning = Deadline approaching
entry-sla_breach = Deadline missed

object-rule = Routing rule
object-calendar = Calendar
object-policy = Service level policy

field-range = The value of "{ $field }" is out of the allowed range.
field-type = "{ $field }" has the wrong type.
field-duplicate = The value of "{ $field }" is already used.
field-too_many = "{ $field }" lists too many items.
field-version = This export format version is not supported.
field-not_for_field = This operator does not apply to this criterion ("{ $field }").
field-order = A closure period ends before it starts.
field-overlap = Opening hours of "{ $field }" overlap or touch.
field-weekday = Unknown weekday in "{ $field }".
field-not_a_permutation = The order must name each rule of the desk once.
field-ics-invalid = The iCalendar file cannot be read.

sla-title = Service targets
sla-take-in-charge = To be taken in charge by
sla-resolve = To be resolved by
sla-paused = paused (waiting for an answer)
sla-done = met
sla-breached = missed
