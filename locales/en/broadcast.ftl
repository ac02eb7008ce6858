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

# Pages (/broadcasts).
layout-broadcasts-link = Broadcasts
broadcast-list-title = Information broadcasts
broadcast-list-intro = Messages to every member of staff of a zone: yours and your zone's.
broadcast-new-link = New broadcast
broadcast-list-caption = Broadcasts, newest first
broadcast-col-subject = Subject
broadcast-col-status = Status
broadcast-col-audience = Recipients
broadcast-col-progress = Progress
broadcast-col-send-at = Sending at (Paris time)
broadcast-created = created on { $when }
broadcast-people = { $n ->
    [0] nobody
    [one] { $n } person
   *[other] { $n } people
}
broadcast-progress = sent: { $sent } · failed: { $failed } · bounced: { $bounced } · waiting: { $queued }
broadcast-list-none = No broadcast yet.
broadcast-list-newest = Newest broadcasts
broadcast-list-older = Older broadcasts
broadcast-status-draft = Draft
broadcast-status-scheduled = Scheduled
broadcast-status-sending = Sending
broadcast-status-sent = Sent
broadcast-status-cancelled = Cancelled
broadcast-done-draft = The draft is saved. Nothing is sent until you send it.
broadcast-done-scheduled = The broadcast is scheduled.
broadcast-done-sending = The broadcast is being sent.
broadcast-done-cancelled = The broadcast is cancelled.
broadcast-back = Back to the broadcasts
broadcast-new-title = New broadcast
broadcast-new-intro = The message goes by email to each person of the audience (once, even if they hold several of its roles) and may show as a banner on their portal. Check the audience with "Preview the recipients" before sending.
broadcast-preview-title = Recipients preview
broadcast-preview-count = { $n ->
    [0] Nobody holds these roles in these zones.
    [one] { $n } person will receive this message.
   *[other] { $n } people will receive this message.
}
broadcast-preview-caption = { $n ->
    [one] The first person of the audience
   *[other] The first { $n } people of the audience
}
broadcast-col-name = Name
broadcast-col-email = Email address
broadcast-col-place = Establishment or service
broadcast-legend-french = Message in French
broadcast-legend-english = English version (optional)
broadcast-english-hint = Sent to people who read Guichet in English; subject and text go together.
field-label-subject_fr = Subject
field-label-body_fr = Message text
field-label-subject_en = Subject in English
field-label-body_en = Text in English
field-label-roles = Recipients' roles
broadcast-roles-hint = Tick at least one role.
field-label-zones = Zones
broadcast-zones-hint = The zones you may inform. For a few establishments only, give their UAI below.
broadcast-zone-academie = académie
broadcast-zone-departement = département
broadcast-zone-circonscription = circonscription
field-label-uais = Establishments by UAI code (optional)
broadcast-uais-hint = One or more UAI codes separated by spaces, commas or line breaks, for example 0211234C.
broadcast-legend-delivery = Sending
field-label-send_at = Sending date and time (optional)
broadcast-send-at-hint = Paris time. Leave blank to send now.
field-label-rate_per_minute = Rate in messages per minute (optional)
broadcast-rate-hint = Leave blank for the usual rate ({ $n } a minute); 0: no limit.
field-label-banner_until = Banner on the portal until (optional)
broadcast-banner-hint = The message shows as a banner on its recipients' portal until the end of that day. Leave blank for no banner.
broadcast-action-preview = Preview the recipients
broadcast-action-draft = Save the draft
broadcast-action-send = Send or schedule
broadcast-action-cancel = Cancel the broadcast
broadcast-show-title = Broadcast "{ $subject }"
field-label-status = Broadcast status
broadcast-fact-audience = Audience
broadcast-fact-audience-now = Audience today
broadcast-fact-created = Created on
broadcast-fact-send-at = Sending at (Paris time)
broadcast-fact-started = Sending started on
broadcast-fact-finished = Sending finished on
broadcast-fact-rate = Rate
broadcast-rate = { $n } messages a minute
broadcast-rate-unlimited = no limit
broadcast-fact-banner = Banner until
broadcast-text-title = Text
broadcast-text-english = English version
broadcast-actions-title = Sending
broadcast-progress-title = Recipients and progress
broadcast-progress-total = { $n ->
    [0] No recipient listed.
    [one] { $n } recipient listed:
   *[other] { $n } recipients listed:
}
broadcast-progress-skipped = Without an email address (notice in Guichet only): { $n }.
broadcast-states-nav = Filter the recipients by state
broadcast-state-all = All
broadcast-state-queued = Waiting
broadcast-state-sent = Sent
broadcast-state-failed = Failed
broadcast-state-bounced = Bounced
broadcast-state-skipped = No address
broadcast-recipients-caption = Recipients and the state of their email
broadcast-col-state = State
broadcast-col-answer = Mail server's answer
broadcast-recipients-later = Recipients are listed when sending starts.
broadcast-recipients-none = No recipient in this state.
broadcast-recipients-first = First recipients
broadcast-recipients-next = Next recipients
form-error-broadcast-beyond_zone = "{ $zone }" is outside your zone: you may only inform your circonscription, your département or your académie.
form-error-broadcast-beyond_zone_any = One of the chosen zones is outside your zone.
form-error-broadcast-body_too_long = The field "{ $field }" is too long (20,000 characters at most).
form-error-broadcast-when = "{ $field }" must be a valid date and time, for example 2026-09-01 08:00.
form-error-broadcast-day = "{ $field }" must be a valid date, for example 2026-09-30.
form-error-broadcast-send_past = The sending date has passed: choose a date to come, or leave it blank to send now.
form-error-broadcast-already_sent = This broadcast has started or is cancelled: it can no longer be sent, rescheduled or cancelled.
