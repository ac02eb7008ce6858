//! A real IMAP server for tests: a private Dovecot (Debian `dovecot-imapd`, installed by
//! `.ci/run`) started with a configuration of its own on free 127.0.0.1 ports, one user from a
//! passwd file and a maildir under a temporary folder. It never touches a system Dovecot (its
//! own `base_dir`, `instance_name` and ports) and stops when the handle drops.
//!
//! [`Dovecot::start_tls`] also serves IMAPS and STARTTLS with a certificate made by `openssl`,
//! signed by a throwaway CA ([`Dovecot::ca_file`]). The helpers APPEND messages and read a
//! folder back over IMAP itself, as a mail client would.

use async_imap::Client;
use futures::TryStreamExt;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The test user's login.
pub const IMAP_USER: &str = "guichet";
pub const IMAP_PASSWORD: &str = "s3cret-imap";

/// A running test Dovecot.
#[derive(Debug)]
pub struct Dovecot {
    child: Child,
    /// Plain IMAP (STARTTLS offered when started with TLS).
    pub port: u16,
    /// IMAPS, when started with TLS.
    pub tls_port: Option<u16>,
    /// The CA that signed the server's certificate, when started with TLS.
    pub ca_file: Option<PathBuf>,
    dir: tempfile::TempDir,
}

impl Dovecot {
    /// Plain IMAP only.
    pub fn start() -> Self {
        Self::spawn(false, "")
    }

    /// Plain IMAP announcing bare IMAP4rev1: no MOVE, UIDPLUS nor IDLE, as an old server would,
    /// so a client takes its fallbacks (COPY + EXPUNGE, polling).
    pub fn start_bare() -> Self {
        Self::spawn(false, "imap_capability = IMAP4rev1 LITERAL+\n")
    }

    /// Plain IMAP with STARTTLS, and IMAPS on [`Dovecot::tls_port`].
    pub fn start_tls() -> Self {
        Self::spawn(true, "")
    }

    fn spawn(tls: bool, extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        // Dovecot's own processes (as `dovecot`/`dovenull` when we are root) go through it.
        set_mode(root, 0o711);
        let mail = root.join("mail");
        std::fs::create_dir_all(&mail).expect("the mail folder");
        let ids = Ids::current();
        if ids.root {
            std::os::unix::fs::chown(&mail, Some(ids.mail_uid), Some(ids.mail_gid))
                .expect("the mail folder belongs to the mail user");
        }
        std::fs::write(
            root.join("passwd"),
            format!("{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n"),
        )
        .expect("the passwd file");
        let port = free_port();
        let tls_port = tls.then(free_port);
        let mut ca_file = None;
        let mut ssl = "ssl = no\n".to_owned();
        if tls {
            let (ca, cert, key) = crate::smtp::certificates(root);
            ssl = format!(
                "ssl = yes\nssl_cert = <{}\nssl_key = <{}\n",
                cert.display(),
                key.display()
            );
            ca_file = Some(ca);
        }
        let conf = root.join("dovecot.conf");
        std::fs::write(&conf, config(root, &ids, port, tls_port, &ssl) + extra)
            .expect("dovecot.conf");
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dovecot starts (install Debian's dovecot-imapd)");
        let server = Self {
            child,
            port,
            tls_port,
            ca_file,
            dir,
        };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let ports = [Some(self.port), self.tls_port];
        for port in ports.into_iter().flatten() {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "Dovecot did not listen on {port}; its log:\n{}",
                    self.log()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Dovecot's log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// A logged-in session over plain IMAP.
    pub async fn session(&self) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("Dovecot answers");
        let mut client = Client::new(tcp);
        client
            .read_response()
            .await
            .expect("a greeting")
            .expect("a greeting");
        client
            .login(IMAP_USER, IMAP_PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("the test user logs in")
    }

    /// Creates `folder` if it does not exist yet.
    pub async fn create_folder(&self, folder: &str) {
        let mut s = self.session().await;
        let _ = s.create(folder).await;
        let _ = s.logout().await;
    }

    /// APPENDs each message to `folder` (which must exist; INBOX always does), in one session.
    pub async fn append_all(&self, folder: &str, messages: impl IntoIterator<Item = Vec<u8>>) {
        let mut s = self.session().await;
        for raw in messages {
            s.append(folder, None, None, &raw)
                .await
                .expect("APPEND accepted");
        }
        let _ = s.logout().await;
    }

    /// APPENDs one message to `folder`.
    pub async fn append(&self, folder: &str, raw: &[u8]) {
        self.append_all(folder, [raw.to_vec()]).await;
    }

    /// The raw messages of `folder`, in UID order; empty when the folder does not exist.
    pub async fn messages(&self, folder: &str) -> Vec<Vec<u8>> {
        let mut s = self.session().await;
        let Ok(mailbox) = s.examine(folder).await else {
            return Vec::new();
        };
        if mailbox.exists == 0 {
            return Vec::new();
        }
        let mut fetched: Vec<_> = s
            .uid_fetch("1:*", "(UID BODY.PEEK[])")
            .await
            .expect("FETCH")
            .try_collect()
            .await
            .expect("FETCH answers");
        fetched.sort_by_key(|f| f.uid);
        let out = fetched
            .iter()
            .filter_map(|f| f.body().map(<[u8]>::to_vec))
            .collect();
        let _ = s.logout().await;
        out
    }

    /// How many messages `folder` holds (0 when it does not exist).
    pub async fn count(&self, folder: &str) -> u32 {
        let mut s = self.session().await;
        let n = s.examine(folder).await.map_or(0, |m| m.exists);
        let _ = s.logout().await;
        n
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM, so the master stops its login and imap processes too.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The users Dovecot's processes run as. Dovecot refuses to run its login processes as root and
/// to give mail access to uid 0, so as root it uses the package's `dovenull` and `dovecot`
/// users; as anyone else, everything runs as that user.
struct Ids {
    root: bool,
    login_user: String,
    internal_user: String,
    internal_group: String,
    mail_uid: u32,
    mail_gid: u32,
}

impl Ids {
    fn current() -> Self {
        let id = |args: &[&str]| {
            let out = Command::new("id").args(args).output().expect("id runs");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let num = |s: String| s.parse::<u32>().expect("a numeric id");
        if id(&["-u"]) == "0" {
            Self {
                root: true,
                login_user: "dovenull".into(),
                internal_user: "dovecot".into(),
                internal_group: "dovecot".into(),
                mail_uid: num(id(&["-u", "dovecot"])),
                mail_gid: num(id(&["-g", "dovecot"])),
            }
        } else {
            let user = id(&["-un"]);
            Self {
                root: false,
                login_user: user.clone(),
                internal_user: user,
                internal_group: id(&["-gn"]),
                mail_uid: num(id(&["-u"])),
                mail_gid: num(id(&["-g"])),
            }
        }
    }
}

fn config(root: &Path, ids: &Ids, port: u16, tls_port: Option<u16>, ssl: &str) -> String {
    let r = root.display();
    let instance = root
        .file_name()
        .map_or_else(|| "test".into(), |n| n.to_string_lossy().into_owned());
    format!(
        "base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
instance_name = guichet-{instance}
protocols = imap
listen = 127.0.0.1
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {iu}
default_internal_group = {ig}
default_login_user = {lu}
first_valid_uid = 0
mail_location = maildir:{r}/mail/%u
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={r}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
{imaps}  }}
}}
service anvil {{
  chroot =
}}
",
        iu = ids.internal_user,
        ig = ids.internal_group,
        lu = ids.login_user,
        uid = ids.mail_uid,
        gid = ids.mail_gid,
        imaps = tls_port.map_or_else(
            || "    port = 0\n".to_owned(),
            |p| format!("    address = 127.0.0.1\n    port = {p}\n    ssl = yes\n")
        ),
    )
}

/// A port nobody listens on now (the OS picks it; Dovecot binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("permissions set");
}
