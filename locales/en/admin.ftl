# Administration pages (/admin), the administration link and the 500 page's request id.

layout-admin-link = Administration
error-request-id = Incident reference to give the help desk: { $reference }

admin-title = Administration
admin-intro = Configure the desks, their groups and agents, the applications and the accounts, and watch the failing jobs.
admin-back = Back to administration
admin-choose = Choose…
admin-none = None
admin-yes = Yes
admin-no = No
admin-active = Active
admin-inactive = Deactivated
admin-retired = Retired
admin-next-page = Next page
admin-code-hint = Letters, digits, hyphens or underscores (32 at most), for example DSI-N1.
admin-keywords-hint = Words that name the application in an email subject, separated by commas, for example: LSU, LSUN, Livret.

admin-col-code = Code
admin-col-name = Name
admin-col-groups = Groups
admin-col-desk = Desk
admin-col-level = Level
admin-col-expertise = Expertise
admin-col-keywords = Keywords
admin-col-default-group = Default group
admin-col-state = State
admin-col-email = Email address
admin-col-id = Number
admin-col-kind = Kind
admin-col-attempts = Attempts
admin-col-last-error = Last error
admin-col-run-at = Next run
admin-col-action = Action

admin-level-N0 = N0 — local
admin-level-N1 = N1 — global support
admin-level-N2 = N2 — expertise
admin-level-N3 = N3 — vendor
admin-expertise-functional = Functional
admin-expertise-pedagogical = Pedagogical
admin-expertise-technical = Technical

admin-role-director = School director
admin-role-head = Head of establishment
admin-role-teacher = Teacher
admin-role-staff = Administrative staff
admin-role-ien = IEN (inspector)
admin-role-dasen = DASEN
admin-role-steering = Steering
admin-role-admin = Administrator

admin-desks-title = Desks
admin-desks-intro = the help desks and their groups.
admin-desks-caption = Desks and their groups
admin-desks-create = Create a desk
admin-desks-submit = Create the desk
admin-desks-done-created = The desk is created.
field-label-desk-code = Desk code
field-label-desk-name = Desk name

admin-groups-title = Groups
admin-groups-intro = each desk's queues, their level and their agents.
admin-groups-caption = Groups of every desk
admin-groups-create = Create a group
admin-groups-submit = Create the group
admin-groups-back = Back to groups
field-label-group-desk = Desk of the group
field-label-group-code = Group code
field-label-group-name = Group name
field-label-group-level = Support level
field-label-group-expertise = Expertise

admin-group-title = Group { $name }
admin-group-done-created = The group is created: add agents to it.
admin-group-done-added = The agent is added to the group.
admin-group-done-removed = The agent is removed from the group.
admin-group-members = Agents of the group
admin-group-no-members = This group has no agent yet.
admin-group-remove = Remove
admin-group-remove-named = Remove { $name } from the group
admin-group-add = Add an agent
admin-group-add-submit = Add the agent
field-label-member-email = Agent's email address

admin-applications-title = Applications
admin-applications-intro = the applications and services requests are about, their keywords and default group.
admin-applications-caption = Applications and their keywords
admin-applications-create = Add an application
admin-applications-submit = Add the application
admin-applications-back = Back to applications
admin-applications-done-created = The application is added.
admin-application-title = Application { $name }
admin-application-done-updated = The application is saved.
admin-application-submit = Save
field-label-app-code = Application code
field-label-app-name = Application name
field-label-app-description = Description (optional)
field-label-app-keywords = Keywords (optional)
field-label-app-default_group = Default group (optional)
field-label-app-active = Offered to requesters

admin-users-title = Users
admin-users-intro = find a person, see their roles, deactivate them, make them an administrator or add them to a group.
admin-users-caption = People found
admin-users-search = Search
admin-users-none = Nobody matches this search.
admin-users-back = Back to users
field-label-user-q = Name or email address
admin-user-admin = Administration
admin-user-roles = Roles
admin-user-account = Account
admin-user-deactivate = Deactivate the account
admin-user-reactivate = Reactivate the account
admin-user-grant-admin = Make administrator
admin-user-revoke-admin = Revoke administration
admin-user-groups = Groups (agent)
admin-user-no-groups = This person is an agent of no group.
admin-user-join = Add to the group
admin-user-leave-named = Remove from group { $name }
field-label-user-group = Group to join
field-label-user-active = Account
field-label-user-admin = Administration
admin-user-done-deactivate = The account is deactivated: the person can no longer sign in.
admin-user-done-reactivate = The account is reactivated.
admin-user-done-grant-admin = The person is an administrator.
admin-user-done-revoke-admin = The person is no longer an administrator.
admin-user-done-join-group = The person is added to the group.
admin-user-done-left-group = The person is removed from the group.
admin-user-done-created = The account is created.

admin-jobs-title = Failing jobs
admin-jobs-intro = background jobs that fail or gave up, to replay.
admin-jobs-states = Job state
admin-jobs-state-dead = Dead
admin-jobs-state-failed = Failing (will retry)
admin-jobs-caption-dead = Dead jobs, newest first
admin-jobs-caption-failed = Failing jobs, newest first
admin-jobs-replay = Replay
admin-jobs-replay-named = Replay job { $name }
admin-jobs-none = No job in this state.
admin-jobs-done-replayed = The job is replayed.

form-error-admin-duplicate = This “{ $field }” is already in use.
form-error-admin-self = You cannot do this to your own account (“{ $field }”): ask another administrator.
form-error-person-unknown = Nobody has this address: check “{ $field }”.

# The same refusals in the API's problem documents.
object-member = Group member
field-person-unknown = Nobody has this email address.
conflict-admin-self = An administrator cannot deactivate or demote themselves: ask another administrator.
conflict-org-no_root = The organisation tree has no académie: load it before naming an administrator.
