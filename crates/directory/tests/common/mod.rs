//! A real OpenLDAP `slapd` per test: its own temporary directory, configuration and loopback
//! port (never Debian's own service), loaded with `slapadd` from the fixtures and a generated
//! académie, and killed when the test ends.

#![allow(dead_code, reason = "each test file uses part of the harness")]

use chrono::{DateTime, TimeZone, Utc};
use guichet_app::admin::OrgNodeInput;
use guichet_app::{App, AppConfig, Caller, Clock};
use guichet_core::Uai;
use guichet_directory::{LdapConfig, Secret};
use guichet_store::Store;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

pub const BASE: &str = "dc=education,dc=gouv,dc=fr";
pub const ADMIN_DN: &str = "cn=admin,dc=education,dc=gouv,dc=fr";
pub const ADMIN_PASSWORD: &str = "secret-for-tests";
pub const READER_DN: &str = "cn=guichet-sync,dc=education,dc=gouv,dc=fr";
pub const READER_PASSWORD: &str = "reader-secret";
/// Schools in the generated académie (UAIs 0210001M…), and people.
pub const SCHOOLS: u32 = 40;
pub const PEOPLE: u32 = 300;

/// The fixtures, also from the `guichet` crate's tests, which include this harness.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../directory/tests/fixtures")
}

pub fn uai(n: u32) -> String {
    Uai::from_number(210_000 + n)
        .expect("a 7-digit number")
        .to_string()
}

/// The generated part of the directory: `SCHOOLS` schools (11 and 31 are collèges, the others
/// elementary schools), `PEOPLE` people `p0000`…, each working in school `p % SCHOOLS + 1`:
/// every tenth heads it (a director, or the head of collèges 11 and 31), the others teach.
pub fn generated_ldif() -> String {
    let mut out = String::new();
    for s in 1..=SCHOOLS {
        let (kind, name) = if s % 20 == 11 {
            ("CLG", format!("COLLEGE NUMERO {s}"))
        } else {
            ("ECOLE ELEMENTAIRE PUBLIQUE", format!("ECOLE NUMERO {s}"))
        };
        let u = uai(s);
        let _ = write!(
            out,
            "dn: ou={u},ou=structures,{BASE}\nobjectClass: ENTStructure\nou: {u}\n\
             ENTStructureUAI: {u}\nENTStructureNomCourant: {name}\nENTStructureTypeStruct: {kind}\n\
             l: DIJON\n\n"
        );
    }
    for p in 0..PEOPLE {
        let school = uai(p % SCHOOLS + 1);
        let function = if p % 10 == 0 { "DIR" } else { "ENS" };
        let resp = if p % 10 == 0 {
            school.clone()
        } else {
            "X".into()
        };
        let _ = write!(
            out,
            "dn: uid=p{p:04},ou=personnels,{BASE}\nobjectClass: ENTPerson\nuid: p{p:04}\n\
             cn: Personne {p}\nsn: Personne\ngivenName: N{p}\nmail: p{p:04}@ac-dijon.fr\n\
             FrEduRne: {school}$UAJ$PU$N$T3$ECOL$340\nFrEduRneResp: {resp}$UAJ\n\
             FrEduFonctAdm: {function}\n\n"
        );
    }
    out
}

/// A running slapd.
pub struct Slapd {
    child: Child,
    pub url: String,
    /// With TLS: `ldaps://` on a port of its own (`url` then offers StartTLS).
    pub ldaps_url: Option<String>,
    /// With TLS: the PEM of the authority that signed the server's certificate.
    pub ca_file: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

/// Runs openssl, panicking with its output when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A test authority and a certificate for 127.0.0.1 signed by it; returns the lines slapd's
/// configuration needs.
fn certificates(d: &Path) -> String {
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Guichet test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions written");
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
    format!(
        "TLSCACertificateFile {0}/ca.pem\nTLSCertificateFile {0}/server.pem\n\
         TLSCertificateKeyFile {0}/server.key\n",
        d.display()
    )
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An OpenLDAP program: from /usr/sbin, where Debian puts it, even when that is not on `PATH`.
fn sbin(name: &str) -> PathBuf {
    let path = Path::new("/usr/sbin").join(name);
    if path.exists() {
        path
    } else {
        PathBuf::from(name)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Slapd {
    /// Starts a slapd loaded with the fixtures and the generated académie.
    pub async fn start() -> Self {
        Self::launch(false).await
    }

    /// [`Slapd::start`], also serving TLS: StartTLS on `url`, and `ldaps_url`.
    pub async fn start_tls() -> Self {
        Self::launch(true).await
    }

    async fn launch(tls: bool) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let d = dir.path();
        std::fs::create_dir(d.join("data")).expect("data dir");
        std::fs::copy(fixtures().join("aaf.schema"), d.join("aaf.schema")).expect("schema");
        let mut conf = String::new();
        if tls {
            conf.push_str(&certificates(d));
        }
        conf.push_str(
            &std::fs::read_to_string(fixtures().join("slapd.conf"))
                .expect("slapd.conf")
                .replace("@DIR@", &d.display().to_string()),
        );
        std::fs::write(d.join("slapd.conf"), conf).expect("config written");
        let mut ldif = std::fs::read_to_string(fixtures().join("base.ldif")).expect("base.ldif");
        ldif.push('\n');
        ldif.push_str(&generated_ldif());
        std::fs::write(d.join("data.ldif"), ldif).expect("ldif written");
        let out = Command::new(sbin("slapadd"))
            .arg("-f")
            .arg(d.join("slapd.conf"))
            .arg("-l")
            .arg(d.join("data.ldif"))
            .output()
            .expect("slapadd runs (apt-get install slapd)");
        assert!(
            out.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = format!("ldap://127.0.0.1:{}", free_port());
        let ldaps_url = tls.then(|| format!("ldaps://127.0.0.1:{}", free_port()));
        let listen = match &ldaps_url {
            Some(ldaps) => format!("{url}/ {ldaps}/"),
            None => format!("{url}/"),
        };
        let child = Command::new(sbin("slapd"))
            .arg("-f")
            .arg(d.join("slapd.conf"))
            .arg("-h")
            .arg(listen)
            // -d keeps slapd in the foreground, so that the test owns the process.
            .args(["-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd starts");
        let ca_file = tls.then(|| d.join("ca.pem"));
        let slapd = Self {
            child,
            url,
            ldaps_url,
            ca_file,
            _dir: dir,
        };
        slapd.wait_ready().await;
        slapd
    }

    /// Waits until slapd answers a bind (it listens a moment after it starts).
    async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok((conn, mut ldap)) = ldap3::LdapConnAsync::new(&self.url).await {
                ldap3::drive!(conn);
                if ldap
                    .simple_bind(ADMIN_DN, ADMIN_PASSWORD)
                    .await
                    .is_ok_and(|r| r.rc == 0)
                {
                    let _ = ldap.unbind().await;
                    return;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("slapd did not answer at {}", self.url);
    }

    /// An administrator's connection, to change the directory during a test.
    pub async fn admin(&self) -> ldap3::Ldap {
        let (conn, mut ldap) = ldap3::LdapConnAsync::new(&self.url)
            .await
            .expect("connects");
        ldap3::drive!(conn);
        ldap.simple_bind(ADMIN_DN, ADMIN_PASSWORD)
            .await
            .and_then(|r| r.success())
            .expect("admin binds");
        ldap
    }

    /// The sync's configuration: an ordinary read account, pages of 50 (the server answers
    /// at most 100 entries to a search, so reading 300 people needs paging).
    pub fn config(&self) -> LdapConfig {
        LdapConfig {
            url: self.url.clone(),
            bind_dn: READER_DN.into(),
            bind_password: Secret::new(READER_PASSWORD),
            people_base: format!("ou=personnels,{BASE}"),
            establishments_base: format!("ou=structures,{BASE}"),
            page_size: 50,
            batch_size: 64,
            ..LdapConfig::default()
        }
    }
}

/// A clock stopped at a chosen moment.
#[derive(Debug)]
pub struct Fixed(pub DateTime<Utc>);

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub fn at(y: i32, m: u32, d: u32) -> Arc<Fixed> {
    Arc::new(Fixed(
        Utc.with_ymd_and_hms(y, m, d, 3, 0, 0)
            .single()
            .expect("a valid date"),
    ))
}

/// The use cases at a given day, over `store`.
pub fn app_at(store: &Store, clock: Arc<Fixed>) -> App {
    App::new(store.clone(), clock, AppConfig::default())
}

/// The académie and its département 21, where the synced schools go.
pub async fn tree(app: &App) {
    let caller = Caller::system("test");
    let academie = app
        .create_org_node(
            &caller,
            OrgNodeInput {
                kind: "academie".into(),
                name: "Académie de Dijon".into(),
                ..OrgNodeInput::default()
            },
        )
        .await
        .expect("académie");
    app.create_org_node(
        &caller,
        OrgNodeInput {
            kind: "departement".into(),
            parent: Some(academie.id),
            name: "Côte-d'Or".into(),
            code: Some("21".into()),
            ..OrgNodeInput::default()
        },
    )
    .await
    .expect("département");
}
