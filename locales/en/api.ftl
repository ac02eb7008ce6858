# API messages (RFC 9457 problems). Keys follow the API's stable codes.

problem-invalid-field = Invalid field
problem-malformed-body = Unreadable request
problem-unauthorized = Authentication required
problem-forbidden = Action not allowed
problem-not-found = Not found
problem-transition-forbidden = Status change not possible
problem-conflict = Conflict with the current state
problem-unavailable = Service temporarily unavailable
problem-internal = Internal error
problem-payload-too-large = Request too large
problem-method-not-allowed = Method not allowed
problem-route-not-found = Unknown address

field-required = The field “{ $field }” is required.
field-too_long = The field “{ $field }” is too long.
field-invalid = The value of “{ $field }” is not recognised.
field-email = “{ $field }” is not a valid email address.
field-code = “{ $field }” must be a short code of letters, digits, dashes or underscores.
field-uai-length = A UAI code is 7 digits followed by a letter.
field-uai-digits = A UAI code starts with 7 digits.
field-uai-check_letter = The UAI's check letter does not match its digits.
field-reference = “{ $field }” is not a ticket reference (YYYY-NNNNNN).
field-attachments-too_many = Too many attachments.
field-attachments-filename = An attachment's name is empty or contains forbidden characters.
field-attachments-too_large = An attachment exceeds the maximum size.
field-attachments-type = This type of file is not accepted as an attachment.
field-person-inactive = This person is no longer active in the directory.
field-establishment-kind = The chosen node is not an establishment.
field-application-inactive = This application is no longer offered.
field-score-range = The score must be between 1 and 5.
field-link-self = A ticket cannot be linked to itself.
field-search-no_words = The search has no usable word.
field-password-too_short = The password must be at least 12 characters long.
field-org-parent_kind = This kind of node cannot be placed under this parent.
field-assignee-not_in_group = This person is not a member of the ticket's group.
field-cursor = The pagination cursor is invalid or does not match the requested sort.
field-date = “{ $field }” must be a date (YYYY-MM-DD) or an RFC 3339 timestamp.
field-number = “{ $field }” must be an integer.
field-json = The field “{ $field }” has a value of an unexpected type.
field-unknown = The field “{ $field }” does not exist.

body-malformed = The request body is not valid JSON: { $reason }
body-content-type = The request body must be sent as application/json.

rule-ticket-read_only = You may read this ticket but not reply to it.
rule-ticket-desk_only = Only the desk handling this ticket may do this.
rule-ticket-requester_only = Only the requester may do this.
rule-ticket-establishment_not_yours = You may only file requests for an establishment where you work.
rule-person-inactive = Your account is no longer active.
rule-admin_only = Administrators only.
rule-desk_only = Desk agents only.

conflict-duplicate = This value already exists.
conflict-person-email_taken = Someone already uses this email address.
conflict-ticket-reopen_window_passed = The time to reopen this ticket has passed: please file a new request.
conflict-ticket-finished = This ticket is finished.
conflict-ticket-not_resolved = This ticket is not resolved yet.
conflict-ticket-escalate_not_higher = An escalation must go to a group of a higher level.
conflict-ticket-transfer_same_desk = A transfer must go to another desk.
conflict-ticket-assign_other_desk_or_level = To change desk or level, transfer or escalate the ticket.
conflict-link-exists = These two tickets are already linked.
conflict-desk-no_group = No group can receive this request.
conflict-ticket-take_needs_person = Only a person can take a ticket in charge.

lifecycle-not-from-status = A ticket with status “{ $status }” cannot be { $move }.
lifecycle-not-for-actor = You cannot do this on this ticket ({ $move }).

not-found = { $what } not found.
object-ticket = Ticket
object-other-ticket = Linked ticket
object-person = Person
object-requester = Requester
object-application = Application
object-group = Group
object-desk = Desk
object-establishment = Establishment
object-zone = Zone
object-attachment = Attachment
object-link = Link
object-token = Token
object-node = Node
object-parent = Parent
object-org-node = Node
object-default-group = Default group
object-intake-group = Intake group
object-object = Object

token-missing = Send a token in the “Authorization: Bearer …” header.
token-malformed = This token is malformed.
token-unknown = This token is unknown.
token-revoked = This token has been revoked.
token-inactive = This token's account is no longer active.

internal-detail = An internal error occurred (request { $request }). It has been logged.
unavailable-detail = The database does not answer. Please try again in a moment.
payload-too-large-detail = The request exceeds the maximum accepted size.
route-not-found-detail = No resource at this address.
method-not-allowed-detail = This address does not accept this method.

status-new = new
status-assigned = assigned
status-in_progress = in progress
status-waiting = waiting
status-resolved = resolved
status-closed = closed
status-rejected = rejected
status-cancelled = cancelled

move-assign = assigned
move-take_in_charge = taken in charge
move-wait = put on hold
move-resume = resumed
move-resolve = resolved
move-close = closed
move-reopen = reopened
move-reject = rejected
move-cancel = cancelled
move-requeue = escalated or transferred

# Absences, delegations, saved views, bulk actions (agent workspace).
field-absence-end_before_start = An absence must end after it starts.
field-absence-over = This absence would already be over.
field-absence-only_shorten = An absence can only be shortened: declare another one to extend it.
field-absence-delegate_self = Nobody can be their own delegate.
field-absence-delegate_inactive = This delegate is no longer active.
field-absence-delegate_no_shared_group = The delegate must be an agent of one of the absent person's groups.
field-absence-not_an_agent = Only an agent can declare an absence with a delegate.
rule-absence-not_yours = Only the agent themselves or an administrator manage their absences.
conflict-absence-overlap = This absence overlaps another one already declared.
conflict-absence-over = This absence is already over.
object-absence = Absence
timeline-assigned-delegate = Assigned to { $assignee }, delegate of { $absent }, absent until { $until }.
field-bulk-too_many = A bulk action covers at most 100 tickets.
field-age-range = “{ $field }” must be a number of days between 0 and 3650.
field-age-empty_window = With these ages, no ticket can match.
conflict-view-name_taken = You already have a view with this name.
object-view = Saved view
object-queue = Queue
queue-mine = Assigned to me
queue-mine-delegated = Including those of { $absent }, away until { $until }
field-search-too_short = Type at least two characters, or a UAI code.

# Job queue (administrators)
object-job = Job
conflict-job-not_replayable = Only a failing or dead job can be replayed.
