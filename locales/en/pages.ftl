# Pages (the requester portal and the shared layout). The API's keys are in api.ftl.

## Layout
layout-site-name = Guichet
layout-tagline = The académie's digital help desk
layout-home-link = Home — Guichet
layout-skiplinks = Skip links
layout-skip-content = Content
layout-skip-footer = Footer
layout-signed-in-as = Signed in: { $name }
layout-sign-out = Sign out
layout-footer-desc = One help desk: ask your questions, report an incident and follow your requests.
layout-accessibility-link = Accessibility: not compliant

## Forms
form-title-error-prefix = Error:
form-errors-title = { $n ->
    [one] The form has an error
   *[other] The form has { $n } errors
}
form-required-note = All fields are required unless marked optional.
form-error-required = Fill in “{ $field }”.
form-error-too_long = “{ $field }” is too long (200 characters at most).
form-error-invalid = The value chosen for “{ $field }” is not recognised.
form-error-attachments-too_large = The attachments exceed the limit of { $size } MB per file: make them smaller or send fewer at a time.
form-error-attachments-too_many = You can attach { $max } files at most.
form-error-attachments-type = This type of file is not accepted (programs and scripts: .exe, .js, .bat…).
form-error-attachments-filename = An attached file's name is empty or contains forbidden characters.
form-error-signin-invalid = Wrong login or password.
form-error-signin-locked = Too many failed attempts: this account is locked. Try again in { $minutes } minute(s).
form-error-signin-throttled = Too many failed attempts from your connection. Try again in { $minutes } minute(s).
form-error-action-not_now = This action is no longer possible in the request's current state.
form-error-ticket-reopen_window_passed = The time to reopen this request has passed: please submit a new request.
form-error-ticket-finished = This request is finished: submit a new request if needed.
form-error-ticket-not_resolved = The satisfaction survey opens once the request is resolved.
form-error-score-range = Choose a score from 1 to 5.
files-hint = { $max } files at most, { $size } MB each at most. Programs and scripts (.exe, .js, .bat…) are refused.
file-size = { $kb } KB

field-label-login = Email address
field-label-password = Password
field-label-application = Application concerned
field-label-type = Type of request
field-label-subject = Subject
field-label-body = Description
field-label-attachments = Attachments (optional)
field-label-establishment = Establishment concerned
field-label-message = Your message
field-label-reason = What is not solved
field-label-cancel-reason = Reason for cancelling (optional)
field-label-comment = Comment (optional)
field-label-score = Your score
field-label-reply = Reply
field-label-cancel = Cancellation
field-label-confirm = Confirmation

## Sign-in
signin-title = Sign in
signin-legend = Your Guichet account
signin-login-hint = Expected format: firstname.lastname@ac-academie.fr
signin-submit = Sign in

## Home
home-title = My requests
home-new-request = Make a new request
home-announcements = Announcements
home-mine = My requests in progress
home-mine-empty = You have no request in progress.
home-school = Requests of the establishment: { $name }
home-school-hint = As a school director you see your establishment's requests; you can change only your own.
home-school-empty = No other request in progress for this establishment.

list-reference = Reference
list-subject = Subject
list-status = Status
list-handled-by = Handled by
list-last-change = Last change
list-nobody-yet = Waiting to be assigned

ago-now = just now
ago-minutes = { $n } { $n ->
    [one] minute
   *[other] minutes
} ago
ago-hours = { $n } { $n ->
    [one] hour
   *[other] hours
} ago
ago-days = { $n } { $n ->
    [one] day
   *[other] days
} ago

status-label-new = Received
status-label-assigned = Assigned
status-label-in_progress = In progress
status-label-waiting = Waiting
status-label-resolved = Resolved
status-label-closed = Closed
status-label-rejected = Rejected
status-label-cancelled = Cancelled

## New request
new-title = New request
new-intro = Describe what you need: your request goes straight to the desk that handles the application you choose.
new-application-legend = Application concerned
new-application-hint = Choose the application or service your request is about.
new-application-other = Other, or I don't know
new-application-other-hint = The desk will route your request.
type-label-incident = Incident
type-hint-incident = Something does not work, or no longer works.
type-label-request = Request
type-hint-request = A question, an access, an intervention.
type-label-change = Suggestion for change
type-hint-change = An idea to improve an application.
new-establishment-one = Establishment concerned: { $name }
new-subject-hint = In a few words, for example: “ONDE: cannot validate an admission”.
new-body-hint = What you were doing, what happened, the error message if any.
new-submit = Send my request

## Confirmation
submitted-title = Your request has been recorded
submitted-reference = Its reference:
submitted-subject = Subject: { $subject }
submitted-next-title = What happens next?
submitted-next-1 = Your request reaches the queue of the desk in charge.
submitted-next-2 = An agent takes it in charge; you see their name on your request.
submitted-next-3 = You follow the answers on the request's page, where you can also reply.
submitted-delay-title = Expected delay
submitted-delay-default = We usually handle requests within two working days.
submitted-open = See my request
submitted-home = Back to my requests

## A request's page
request-title = Request { $reference }
request-back = Back to my requests
request-reference = Reference:
request-read-only = You are reading this request only: someone else at your establishment submitted it.
request-solution = Proposed solution
request-confirm-title = Is your request solved?
request-solved = Yes, it is solved
request-not-solved = No, it is not solved
request-not-solved-hint = Explain what is still wrong: the request will be reopened.
request-timeline = History
request-reply-title = Reply
request-reply-submit = Send my reply
request-cancel-title = Cancel the request
request-cancel-submit = Cancel my request
request-done-replied = Your reply has been sent.
request-done-cancelled = Your request has been cancelled.
request-done-closed = Thank you: the request is closed.
request-done-reopened = Your request has been reopened.
request-done-rated = Thank you for your feedback.

entry-submitted = Request submitted
entry-reply = Message
entry-note = Internal note
entry-status_change = Status change
entry-assignment = Taken in charge
entry-escalation = Passed to another level
entry-transfer = Transferred to another desk
entry-link = Linked to another request
entry-unlink = Link removed
entry-priority_change = Priority changed
entry-application_change = Application changed
entry-resolution = Solution
entry-survey_answer = Satisfaction feedback

survey-title = Your opinion of how it was handled
survey-hint = From 1 (not satisfied at all) to 5 (very satisfied).
survey-score-1 = 1 — not satisfied at all
survey-score-2 = 2
survey-score-3 = 3
survey-score-4 = 4
survey-score-5 = 5 — very satisfied
survey-submit = Send my feedback
survey-thanks = Thank you, your feedback ({ $score }/5) is recorded.

## Errors
error-code = Error code: { $status }
error-home = Back to the home page
error-not-found-title = Page not found
error-not-found-text = This page does not exist, or you may not see what it holds.
error-forbidden-title = Access refused
error-forbidden-text = You may not do this.
error-csrf-title = Form expired
error-csrf-text = This form is no longer valid (expired session, or the page was opened elsewhere). Go back, reload the page and try again.
error-unavailable-title = Service unavailable for a moment
error-unavailable-text = Try again in a few moments.
error-internal-title = Something went wrong
error-internal-text = The technical team has been told. Try again later.

## Accessibility statement
a11y-title = Accessibility statement
a11y-intro = The académie is committed to making Guichet accessible, under article 47 of French law no. 2005-102 of 11 February 2005. This statement covers Guichet's requester portal.
a11y-status-title = Compliance status
a11y-status = Guichet does not comply with the French accessibility standard (RGAA) version 4.1: it has not been audited yet.
a11y-tests-title = Test results
a11y-tests = Every kind of page (sign-in, home, new request, a request's page, this statement) is checked automatically with axe-core in a browser for every release: no serious or critical violation is accepted. Automatic tests do not replace an audit.
a11y-gaps-title = Content that is not accessible
a11y-gap-1 = Attachments uploaded by users and agents (documents, screenshots) may not be accessible.
a11y-gap-2 = On small screens, the header menu is replaced by a toolbar under the header, without JavaScript.
a11y-made-title = How this statement was made
a11y-made = This statement was made on 1 December 2026. Technologies used: HTML, CSS (the State design system). No JavaScript is needed.
a11y-contact-title = Feedback and contact
a11y-contact = If you cannot reach some content or service, submit an “Other” request on this desk or contact your académie's help desk: we will offer an accessible alternative.
a11y-remedy-title = Remedies
a11y-remedy = If you reported an accessibility problem and did not get a satisfactory answer, you can:
a11y-remedy-1 = write to the Défenseur des droits (online form on defenseurdesdroits.fr);
a11y-remedy-2 = contact the Défenseur des droits' delegate in your region;
a11y-remedy-3 = send a free letter, without a stamp: Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.

## Agent workspace (/desk)
layout-desk-link = Agent workspace
desk-title = Agent workspace
desk-back = Back to the agent workspace
desk-standing-in = You stand in for absent colleagues: their tickets are in "My tickets".
desk-until = away until
desk-queues = My queues
desk-queue = Queue
desk-open = Open
desk-unassigned = Unassigned
desk-unassigned-count = { $n } unassigned
desk-views = My saved views
desk-no-views = No saved view.
desk-queue-mine = My tickets (including those I stand in for)
desk-queue-zone = My zone: { $name }
desk-sort = Sort by
desk-sort--created = Newest first
desk-sort-created = Oldest first
desk-sort--updated = Recently updated
desk-sort-updated = Least recently updated
desk-sort--priority = Highest priority
desk-sort-priority = Lowest priority
desk-sort-apply = Sort
desk-col-reference = Reference
desk-col-subject = Subject
desk-col-priority = Priority
desk-col-level = Level
desk-col-age = Submitted
desk-col-assignee = Agent
desk-delegated = standing in
desk-next-page = Next page
desk-queue-empty = No open ticket in this queue.
priority-label-very_low = Very low
priority-label-low = Low
priority-label-medium = Medium
priority-label-high = High
priority-label-very_high = Very high
desk-choose = Choose…
desk-requester = Requester
desk-requester-open = Their other open requests:
desk-take-title = Taking charge
desk-take = Take in charge
desk-internal = Internal
desk-message-title = Reply or note
desk-send-reply = Send the reply to the requester
desk-send-note = Add an internal note
desk-escalate-title = Escalate to a higher level
desk-escalate = Escalate
desk-transfer-title = Transfer to another desk
desk-transfer = Transfer
desk-link-title = Link to another ticket
desk-link-hint = Reference as YYYY-NNNNNN
desk-link-kind-duplicate = Duplicate of that ticket (this one will be closed)
desk-link-kind-related = Related ticket
desk-link-kind-parent = Parent ticket
desk-link = Link
desk-priority-title = Priority
desk-priority = Change the priority
desk-resolve-title = Resolve
desk-resolve = Mark as resolved
desk-done-reply = Your reply was sent to the requester.
desk-done-note = The internal note was added.
desk-done-take = You took the ticket in charge.
desk-done-escalate = The ticket was escalated.
desk-done-transfer = The ticket was transferred.
desk-done-link = The link was added.
desk-done-priority = The priority was changed.
desk-done-resolve = The ticket is resolved.
field-label-message-body = Message
field-label-message-attachments = Attachments (optional)
field-label-message-kind = Kind of message
field-label-escalate-group = Group at a higher level
field-label-escalate-reason = Reason for the escalation
field-label-transfer-group = Group of another desk
field-label-transfer-reason = Reason for the transfer
field-label-link-other = Other ticket
field-label-link-kind = Kind of link
field-label-priority-priority = New priority
field-label-resolve-solution = Solution
field-label-take = Taking charge
field-label-escalate = Escalation
field-label-transfer = Transfer
field-label-link = Link
field-label-priority = Priority
field-label-resolve = Resolution
form-error-ticket-escalate_not_higher = An escalation goes to a group at a higher level: choose one in "{ $field }".
form-error-ticket-transfer_same_desk = A transfer goes to another desk: choose a group in "{ $field }".
form-error-link-exists = These two tickets are already linked.
form-error-link-self = A ticket cannot be linked to itself.
form-error-reference = "{ $field }" is not a ticket reference (YYYY-NNNNNN).
desk-col-select = Selection
desk-select = Select ticket { $reference }
desk-bulk-title = Action on the selected tickets
desk-bulk-take = Take them in charge
desk-bulk-assign = Assign them to a colleague
desk-bulk-resolve = Resolve them (solution below)
desk-bulk-close = Close them
desk-bulk-submit = Apply
desk-bulk-result = Outcome of the bulk action
desk-bulk-back = Back to the queue
desk-bulk-outcome = Outcome
desk-bulk-done = Done
desk-bulk-refused = Refused
desk-bulk-not-found = Ticket not found or outside your queues.
field-label-bulk-action = Action
field-label-bulk-assignee = Colleague (to assign)
field-label-bulk-solution = Solution (to resolve)
field-label-bulk-tickets = Selected tickets
desk-moved-escalate = Ticket { $reference } was escalated: it is now in the chosen group's queue.
desk-moved-transfer = Ticket { $reference } was transferred: it is now in the chosen group's queue.
desk-absence-title = My absences
desk-absence-list = Absences in force or to come
desk-absence-item = Covered by { $name }:
desk-absence-none = No absence declared.
desk-absence-cancel = Cancel this absence
desk-absence-declare = Declare an absence
desk-absence-end-hint = First day back
desk-absence-submit = Declare the absence
desk-absence-done-declared = The absence is declared: tickets assigned to you go to your delegate meanwhile.
desk-absence-done-cancelled = The absence is cancelled.
field-label-absence-starts_at = First day away
field-label-absence-ends_at = Day back
field-label-absence-delegate = Delegate
desk-phone-title = Record a phone call
desk-phone-q-hint = Name, email address or the establishment's UAI code
desk-phone-search = Search
desk-phone-nobody = Nobody matches this search.
desk-phone-for = Request for
desk-phone-other = Choose someone else
desk-phone-submit = Record the request
field-label-phone-q = Who is calling?
field-label-phone-application = Application
field-label-phone-subject = Subject
field-label-phone-body = Description
