# Notifications by email and in the application (crates/mail/templates, crates/app/src/notify).
notify-hello = Hello { $name },
notify-footer = Automatic message from the help desk. To add to your request, answer this message and keep the reference in the subject.
notify-link = Follow the request:
notify-survey = Tell us what you think of the answer:
notify-on-behalf = You receive this message in place of { $name }, who is away.

notify-received-subject = Request received: { $subject }
notify-received-intro = Your request "{ $subject }" is recorded with the reference { $reference }. The desk will take it in charge.
notify-taken-subject = Taken in charge: { $subject }
notify-taken-intro = Your request "{ $subject }" is taken in charge by { $actor }.
notify-reply-subject = New reply: { $subject }
notify-reply-intro = { $actor } replied to your request "{ $subject }":
notify-waiting-subject = Your answer is needed: { $subject }
notify-waiting-intro = The desk is waiting for your answer to move on with the request "{ $subject }".
notify-resolved-subject = Request resolved: { $subject }
notify-resolved-intro = Your request "{ $subject }" is resolved. If the problem remains, answer this message to reopen it.
notify-closed-subject = Request closed: { $subject }
notify-closed-intro = Your request "{ $subject }" is closed.
notify-reopened-subject = Request reopened: { $subject }
notify-reopened-intro = The request "{ $subject }" is reopened; the desk takes it up again.
notify-assigned-subject = Request assigned to you: { $subject }
notify-assigned-intro = The request { $reference } "{ $subject }" is assigned to you.
notify-queued-subject = New request for { $group }: { $subject }
notify-queued-intro = A new request { $reference } "{ $subject }" waits in the { $group } queue.
notify-escalated-subject = Request escalated to { $group }: { $subject }
notify-escalated-intro = The request { $reference } "{ $subject }" was escalated to { $group }.
notify-transferred-subject = Request transferred to { $group }: { $subject }
notify-transferred-intro = The request { $reference } "{ $subject }" was transferred to { $group }.
notify-answered-subject = The requester answered: { $subject }
notify-answered-intro = { $actor } answered on the request { $reference } "{ $subject }":

notify-digest-subject = { $count ->
    [one] Your daily summary: { $count } notification
   *[other] Your daily summary: { $count } notifications
}
notify-digest-intro = { $count ->
    [one] Here is the day's notification about your requests and queues.
   *[other] Here are the day's { $count } notifications about your requests and queues.
}
notify-digest-link = All your notifications:

# The notifications page (/notifications).
layout-notices-link = Notifications
notices-title = My notifications
notices-unread = { $n ->
    [0] No unread notification.
    [one] One unread notification.
   *[other] { $n } unread notifications.
}
notices-mark-read = Mark all as read
notices-done-read = All your notifications are marked as read.
notices-caption = Your notifications, newest first
notices-col-notice = Notification
notices-col-when = Date
notices-new = New
notices-none = No notification yet.
notices-newest = Newest
notices-older = Older
