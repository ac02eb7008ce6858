# Single sign-on (CAS, OpenID Connect): the sign-in page's list and the refusals.
sso-title = Sign in with your académie account
sso-intro = Choose the portal you usually sign in through (ENT, staff intranet).
sso-local-title = Or with a Guichet account
sso-refused-back = Back to the sign-in page
sso-refused-unknown-title = Your account has no access to Guichet
sso-refused-unknown-text = You are signed in, but the académie's directory does not list you in Guichet. Ask your IT support to check your directory entry.
sso-refused-inactive-title = Your Guichet account is deactivated
sso-refused-inactive-text = You are signed in, but your Guichet account has been deactivated (for instance after leaving the directory). Contact your IT support.
sso-refused-failed-title = Signing in did not succeed
sso-refused-failed-text = The answer of the sign-in service could not be checked (expired link, already used, or opened in another browser). Start again from the sign-in page.
sso-refused-unreachable-title = Sign-in service unreachable
sso-refused-unreachable-text = The sign-in service does not answer for now. Try again in a few minutes, or sign in with a Guichet account.

# Administration: directory syncs (/admin/directory).
admin-directory-title = Directory syncs
admin-directory-intro = the latest LDAP syncs and CSV imports, with their counts and rejections.
admin-directory-lead = The daily sync and the "guichet directory sync" command record every run here.
admin-directory-caption = The latest 50 runs, newest first
admin-directory-col-started = Started
admin-directory-col-source = Source
admin-directory-col-state = State
admin-directory-col-establishments = Establishments
admin-directory-col-persons = People
admin-directory-col-details = Rejections and error
admin-directory-source-ldap = LDAP directory
admin-directory-source-csv-establishments = CSV file of establishments
admin-directory-source-csv-persons = CSV file of people
admin-directory-dry-run = dry run
admin-directory-state-running = running
admin-directory-state-done = done
admin-directory-state-failed = failed
admin-directory-establishments = { $created } created, { $updated } updated, { $rejected } rejected
admin-directory-persons = { $created } created, { $updated } updated, { $deactivated } deactivated, { $rejected } rejected
admin-directory-none = No sync yet.
