# Mail intake: the explanation sent to the sender of a refused message
# (crates/mail/templates/refusal.*) and the refusal reasons (crates/core/src/intake.rs).
notify-refusal-subject = Message not recorded: { $subject }
intake-refusal-hello = Hello,
intake-refusal-intro = Your message "{ $subject }" could not be recorded as a request:
intake-refusal-portal = You can file your request on the portal:
intake-refusal-footer = Automatic message from the help desk; there is no need to answer it.

intake-reason-too_large = the message is too large; send the heaviest attachments through the portal.
intake-reason-no_sender = the message names no sender.
intake-reason-domain = only academic addresses are accepted; write from your work address.
intake-reason-unauthenticated = your address could not be authenticated; write from the academic mail service.
intake-reason-no_keyword = the subject does not name the application concerned (for example LSU); send your message again with it in the subject.
intake-reason-quota = you have reached today's number of requests by email; try again tomorrow or use the portal.
intake-reason-unknown_sender = your address is not known to the academic directory.
intake-reason-inactive_sender = your account is no longer active in the academic directory.
intake-reason-role = this address is for school directors only; ask your director or use the portal.
intake-reason-not_participant = only the requester and the people following this request may answer it.
intake-reason-error = something went wrong; the desk will look at your message.

admin-quarantine-title = Received messages
admin-quarantine-intro = Emails refused by the intake policy, with their reasons. Releasing a message files the request despite the refusal.
admin-quarantine-state = State
admin-quarantine-mailbox = Mailbox
admin-quarantine-sender = Sender
admin-quarantine-subject = Subject
admin-quarantine-received = Received
admin-quarantine-reasons = Reasons
admin-quarantine-filter = Filter
admin-quarantine-empty = No message.
admin-quarantine-read = Read
admin-quarantine-release = Release (file the request)
admin-quarantine-delete = Delete
admin-quarantine-released = Message released: request { $reference } filed.
admin-quarantine-deleted = Message deleted.
admin-quarantine-text = Message text
admin-quarantine-attachments = Attachments
admin-quarantine-gone = The message's content was deleted.
admin-quarantine-state-quarantined = quarantined
admin-quarantine-state-failed = failed
admin-quarantine-state-released = released
admin-quarantine-state-deleted = deleted
admin-quarantine-state-ignored = ignored
admin-quarantine-state-bounce = bounce
admin-quarantine-state-ticket = request
admin-quarantine-state-reply = reply
