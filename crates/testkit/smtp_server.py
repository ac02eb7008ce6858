"""A real SMTP server for Guichet's tests: aiosmtpd (PyPI) on 127.0.0.1, an ephemeral port,
delivering every accepted message, byte for byte, into a maildir that the tests read back.

Prints the port on the first line of stdout once it listens; stops when stdin closes (the test
that started it is gone) or on SIGTERM. A line "drop" on stdin closes every open session (as a
restarted server would), answered by a line "dropped" once done. Recipients starting with "reject" are refused with a
permanent 550, those starting with "tempfail" with a transient 451.
Options: --maildir DIR, --cert PEM --key PEM (offer STARTTLS and require it), --user U
--password P (require AUTH PLAIN/LOGIN), --implicit-tls (TLS from the first byte, SMTPS).
"""

import argparse
import asyncio
import mailbox
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Maildir:
    def __init__(self, path):
        self.box = mailbox.Maildir(path, create=True)
        # Counted here: len(self.box) re-lists the maildir, which made every message cost
        # as much as the messages before it (10,000 took minutes).
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local.startswith("tempfail"):
            return "451 4.3.0 <%s>: Temporary failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        header = ("X-Envelope-To: %s\r\n" % ", ".join(envelope.rcpt_tos)).encode("ascii")
        self.box.add(header + raw)
        self.count += 1
        return "250 2.0.0 Ok: queued as %d" % self.count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--maildir", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--implicit-tls", action="store_true")
    a = p.parse_args()

    ctx = None
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == a.user
            and auth_data.password.decode() == a.password
        )
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=False)

    handler = Maildir(a.maildir)
    sessions = []

    def factory():
        session = SMTP(
            handler,
            hostname="localhost",
            decode_data=False,
            tls_context=None if a.implicit_tls else ctx,
            require_starttls=ctx is not None and not a.implicit_tls,
            authenticator=authenticate if a.user else None,
            auth_required=bool(a.user),
            # Over implicit TLS the whole session is encrypted already.
            auth_require_tls=ctx is not None and not a.implicit_tls,
        )
        sessions.append(session)
        return session

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            factory, host="127.0.0.1", port=0, ssl=ctx if a.implicit_tls else None
        )
        print(server.sockets[0].getsockname()[1], flush=True)
        stdin_closed = loop.create_future()

        def drop_sessions():
            for session in sessions:
                if session.transport is not None:
                    session.transport.abort()
            sessions.clear()
            print("dropped", flush=True)

        def watch_stdin():
            for line in sys.stdin:
                if line.strip() == "drop":
                    loop.call_soon_threadsafe(drop_sessions)
            loop.call_soon_threadsafe(stdin_closed.set_result, None)

        loop.run_in_executor(None, watch_stdin)
        await stdin_closed
        server.close()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
